import { describe, expect, it } from 'vitest';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { InMemoryDocumentStore } from '../../../test/fakes/in-memory-document-store.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { createJob, updateJob } from '../jobs/jobs.js';
import type { UserData } from '../userdata/userdata-types.js';
import { LEGACY_SSH_DEFAULTS, changeSshSettings, getSshSettings, getSshSettingsAndRootKeys, setSshEnabled } from './ssh-settings.js';
import {
  changeAutoUpgradeSettings,
  getAutoUpgradeSettings,
  getDomainInfo,
  getServerProvider,
  getStoredAutoUpgradeSection,
  getSystemInfo,
  getTimezone,
  isSystemBusy,
} from './system-settings.js';
import { changeTimezone, isValidTimezone } from './timezone.js';

const store = (data: UserData) => ({ userData: new InMemoryDocumentStore<UserData>(data) });

describe('changeTimezone', () => {
  it('accepts tz database names including backward-compatible aliases', () => {
    for (const name of ['Europe/Berlin', 'UTC', 'GMT', 'US/Eastern', 'Europe/Uzhgorod', 'Etc/GMT+3', 'Europe/Kyiv', 'Zulu']) {
      expect(isValidTimezone(name), name).toBe(true);
    }
    for (const name of ['', 'Mars/Olympus', 'europe/berlin', 'Factory', 'Europe/Berlin ']) {
      expect(isValidTimezone(name), name).toBe(false);
    }
  });

  it('writes a valid name', async () => {
    const deps = store({ timezone: 'Etc/UTC', domain: 'example.org' });

    await expect(changeTimezone(deps, 'US/Eastern')).resolves.toBe('US/Eastern');

    expect(deps.userData.document).toEqual({ timezone: 'US/Eastern', domain: 'example.org' });
  });

  it('rejects an unknown name with INVALID_TIMEZONE and the recommended text, writing nothing', async () => {
    const deps = store({ timezone: 'Etc/UTC' });

    await expect(changeTimezone(deps, 'Mars/Olympus')).rejects.toMatchObject({
      code: 'INVALID_TIMEZONE',
      status: 400,
      message:
        'Invalid timezone: Mars/Olympus\nTimezone not in pytz.all_timezones.\nList of available timezones:\nhttps://data.iana.org/time-zones/data/zone.tab',
    });
    expect(deps.userData.writes).toBe(0);
  });

  it('reads Etc/UTC when none is set, or the caller\u2019s fallback', async () => {
    expect(await getTimezone(store({}))).toBe('Etc/UTC');
    expect(await getTimezone(store({}), 'Europe/Uzhgorod')).toBe('Europe/Uzhgorod');
    expect(await getTimezone(store({ timezone: 'Asia/Tokyo' }))).toBe('Asia/Tokyo');
  });
});

describe('auto-upgrade settings', () => {
  it('default to enabled without reboots', async () => {
    expect(await getAutoUpgradeSettings(store({}))).toEqual({ enable: true, allowReboot: false });
    expect(await getAutoUpgradeSettings(store({ autoUpgrade: { allowReboot: true } }))).toEqual({ enable: true, allowReboot: true });
  });

  it('change only the given fields, creating the section', async () => {
    const deps = store({});

    expect(await changeAutoUpgradeSettings(deps, { enable: false, allowReboot: null })).toEqual({ enable: false, allowReboot: false });
    expect(deps.userData.document).toEqual({ autoUpgrade: { enable: false } });
    expect(await changeAutoUpgradeSettings(deps, { allowReboot: true })).toEqual({ enable: false, allowReboot: true });
    expect(deps.userData.document).toEqual({ autoUpgrade: { enable: false, allowReboot: true } });
  });

  it('an empty change still creates the section', async () => {
    const deps = store({});

    await changeAutoUpgradeSettings(deps, {});

    expect(deps.userData.document).toEqual({ autoUpgrade: {} });
  });

  it('legacy view: the stored section with absent defaults appended', async () => {
    expect(await getStoredAutoUpgradeSection(store({}))).toEqual({ enable: true, allowReboot: false });
    const stored = await getStoredAutoUpgradeSection(store({ autoUpgrade: { extra: 1, allowReboot: true } }));
    expect(Object.entries(stored)).toEqual([['extra', 1], ['allowReboot', true], ['enable', true]]);
  });
});

describe('SSH settings', () => {
  it('read with API defaults (enable true, password off) or legacy defaults (both true)', async () => {
    expect(await getSshSettings(store({}))).toEqual({ enable: true, passwordAuthentication: false });
    expect(await getSshSettings(store({}), LEGACY_SSH_DEFAULTS)).toEqual({ enable: true, passwordAuthentication: true });
    expect(await getSshSettings(store({ ssh: { enable: false, passwordAuthentication: true } }))).toEqual({
      enable: false,
      passwordAuthentication: true,
    });
  });

  it('setSshEnabled writes only enable and echoes the stored password setting', async () => {
    const deps = store({ ssh: { passwordAuthentication: true, rootKeys: ['ssh-ed25519 AAAA root'] } });

    expect(await setSshEnabled(deps, false)).toEqual({ enable: false, passwordAuthentication: true });

    expect(deps.userData.document).toEqual({ ssh: { passwordAuthentication: true, rootKeys: ['ssh-ed25519 AAAA root'], enable: false } });
  });

  it('changeSshSettings writes each given field, creating the section', async () => {
    const deps = store({});

    await changeSshSettings(deps, { passwordAuthentication: false });
    expect(deps.userData.document).toEqual({ ssh: { passwordAuthentication: false } });
    await changeSshSettings(deps, {});
    expect(deps.userData.document).toEqual({ ssh: { passwordAuthentication: false } });
  });

  it('root keys come from ssh.rootKeys', async () => {
    expect((await getSshSettingsAndRootKeys(store({}))).rootKeys).toEqual([]);
    expect((await getSshSettingsAndRootKeys(store({ ssh: { rootKeys: ['k1'] } }))).rootKeys).toEqual(['k1']);
  });
});

describe('system facts', () => {
  it('domain info: domain, hostname and DNS provider (Cloudflare when unset)', async () => {
    expect(await getDomainInfo(store({ domain: 'example.org', hostname: 'box', dns: { provider: 'DESEC' } }))).toEqual({
      domain: 'example.org',
      hostname: 'box',
      provider: 'DESEC',
    });
    expect((await getDomainInfo(store({ domain: 'a.b', hostname: 'h' }))).provider).toBe('CLOUDFLARE');
    await expect(getDomainInfo(store({ dns: { provider: 'NAMECHEAP' } }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('system info: trimmed kernel version, the given runtime, useBinds (false when absent)', async () => {
    const host = new FakeHost();
    host.kernel = '  Linux box 6.6.0 x86_64 GNU/Linux\n';

    expect(await getSystemInfo({ host, ...store({ useBinds: true }) }, 'Node.js v20.0.0')).toEqual({
      systemVersion: 'Linux box 6.6.0 x86_64 GNU/Linux',
      runtimeVersion: 'Node.js v20.0.0',
      usingBinds: true,
    });
    expect((await getSystemInfo({ host, ...store({}) }, 'x')).usingBinds).toBe(false);
  });

  it('server provider: the stored one, OTHER when unknown; the id is not tracked', async () => {
    expect(await getServerProvider(store({ server: { provider: 'HETZNER' } }))).toEqual({ provider: 'HETZNER', id: 'UNKNOWN' });
    expect(await getServerProvider(store({ server: { provider: 'VULTR' } }))).toEqual({ provider: 'OTHER', id: 'UNKNOWN' });
    expect(await getServerProvider(store({}))).toEqual({ provider: 'OTHER', id: 'UNKNOWN' });
  });

  it('busy only while a job is RUNNING', async () => {
    const ports = jobPorts();
    const job = await createJob(ports, { typeId: 'test', name: 'Test job', description: '' });
    expect(await isSystemBusy(ports)).toBe(false);

    await updateJob(ports, job.uid, { status: 'RUNNING' });
    expect(await isSystemBusy(ports)).toBe(true);

    await updateJob(ports, job.uid, { status: 'FINISHED' });
    expect(await isSystemBusy(ports)).toBe(false);
  });
});
