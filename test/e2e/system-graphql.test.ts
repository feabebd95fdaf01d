import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { JOB_FIELDS, editUserData, readSecrets, readUserData, waitForJob } from './system-helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const call = (query: string, variables?: Record<string, unknown>) => gql(server, query, variables, server.token);

const SYSTEM_QUERY = `{
  system {
    status { severity title message timestamp }
    domainInfo { domain hostname provider }
    settings {
      autoUpgrade { enable allowReboot }
      ssh { enable passwordAuthentication rootSshKeys }
      timezone
    }
    info { systemVersion pythonVersion usingBinds }
    provider { provider id }
    busy
    workingDirectory
  }
}`;

describe('system query', () => {
  it('answers every field from the userdata file and the host', async () => {
    const res = await call(SYSTEM_QUERY);

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.system).toEqual({
      status: { severity: 'INFO', title: 'Test message', message: 'Test message', timestamp: null },
      domainInfo: { domain: 'example.org', hostname: 'my-server', provider: 'CLOUDFLARE' },
      settings: {
        autoUpgrade: { enable: true, allowReboot: false },
        ssh: {
          enable: true,
          passwordAuthentication: false,
          rootSshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO2rMzv3iRW4QvQ2fs5aBXOLU/ekBHNz/gZXG585YLdM admin@desk'],
        },
        timezone: 'Europe/Berlin',
      },
      info: {
        systemVersion: 'Linux my-server 6.6.63 #1-NixOS SMP PREEMPT_DYNAMIC Fri Nov 22 14:38:37 UTC 2024 x86_64 GNU/Linux',
        pythonVersion: `Node.js ${process.version}`,
        usingBinds: true,
      },
      provider: { provider: 'HETZNER', id: 'UNKNOWN' },
      busy: false,
      workingDirectory: process.cwd(),
    });
  });

  it('applies the defaults for absent keys, and always says password authentication is off', async () => {
    const before = readUserData(server);
    editUserData(server, (data) => {
      delete data.autoUpgrade;
      delete data.timezone;
      delete data.useBinds;
      data.ssh = { passwordAuthentication: true };
    });

    const res = await call('{ system { settings { autoUpgrade { enable allowReboot } ssh { enable passwordAuthentication rootSshKeys } timezone } info { usingBinds } } }');

    expect(res.body.data.system).toEqual({
      settings: {
        autoUpgrade: { enable: true, allowReboot: false },
        ssh: { enable: true, passwordAuthentication: false, rootSshKeys: [] },
        timezone: 'Etc/UTC',
      },
      info: { usingBinds: false },
    });
    editUserData(server, (data) => Object.assign(data, before));
  });

  it('is refused without a token, with data null', async () => {
    const res = await gql(server, '{ system { busy } }');

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toMatchObject([{ message: 'You must be authenticated to access this resource.', path: ['system'] }]);
  });
});

describe('system.changeTimezone', () => {
  const MUTATION = 'mutation ($tz: String!) { system { changeTimezone(timezone: $tz) { success code message timezone } } }';

  it('writes a tz database name, aliases included', async () => {
    for (const tz of ['US/Eastern', 'Europe/Uzhgorod', 'UTC']) {
      const res = await call(MUTATION, { tz });

      expect(res.body.data.system.changeTimezone).toEqual({ success: true, code: 200, message: 'Timezone changed', timezone: tz });
      expect(readUserData(server).timezone).toBe(tz);
    }
  });

  it('rejects an unknown name with 400 and the recommended message, writing nothing', async () => {
    const before = readUserData(server);

    const res = await call(MUTATION, { tz: 'Mars/Olympus' });

    expect(res.body.data.system.changeTimezone).toEqual({
      success: false,
      code: 400,
      message: 'Invalid timezone: Mars/Olympus\nTimezone not in pytz.all_timezones.\nList of available timezones:\nhttps://data.iana.org/time-zones/data/zone.tab',
      timezone: null,
    });
    expect(readUserData(server)).toEqual(before);
  });

  it('deprecated root changeTimezone does the same', async () => {
    const ok = await call('mutation { changeTimezone(timezone: "Asia/Tokyo") { success code message timezone } }');
    const bad = await call('mutation { changeTimezone(timezone: "") { success code timezone } }');

    expect(ok.body.data.changeTimezone).toEqual({ success: true, code: 200, message: 'Timezone changed', timezone: 'Asia/Tokyo' });
    expect(bad.body.data.changeTimezone).toEqual({ success: false, code: 400, timezone: null });
    expect(readUserData(server).timezone).toBe('Asia/Tokyo');
  });
});

describe('system.changeAutoUpgradeSettings', () => {
  const MUTATION = `mutation ($s: AutoUpgradeSettingsInput!) { system { changeAutoUpgradeSettings(settings: $s) {
    success code message enableAutoUpgrade allowReboot } } }`;

  it('writes only the given fields and reads the settings back', async () => {
    const first = await call(MUTATION, { s: { allowReboot: true } });
    expect(first.body.data.system.changeAutoUpgradeSettings).toEqual({
      success: true, code: 200, message: 'Auto-upgrade settings changed', enableAutoUpgrade: true, allowReboot: true,
    });
    expect(readUserData(server).autoUpgrade).toEqual({ enable: true, allowReboot: true });

    const second = await call(MUTATION, { s: { enableAutoUpgrade: false, allowReboot: null } });
    expect(second.body.data.system.changeAutoUpgradeSettings).toMatchObject({ enableAutoUpgrade: false, allowReboot: true });
    expect(readUserData(server).autoUpgrade).toEqual({ enable: false, allowReboot: true });
  });

  it('creates the section from an empty input (root twin)', async () => {
    editUserData(server, (data) => delete data.autoUpgrade);

    const res = await call('mutation { changeAutoUpgradeSettings(settings: {}) { success code message enableAutoUpgrade allowReboot } }');

    expect(res.body.data.changeAutoUpgradeSettings).toEqual({
      success: true, code: 200, message: 'Auto-upgrade settings changed', enableAutoUpgrade: true, allowReboot: false,
    });
    expect(readUserData(server).autoUpgrade).toEqual({});
  });
});

describe('system.changeSshSettings', () => {
  it('writes only enable, ignores passwordAuthentication and echoes the stored value', async () => {
    editUserData(server, (data) => (data.ssh = { enable: true, passwordAuthentication: true, rootKeys: ['ssh-ed25519 AAAA root@x'] }));

    const res = await call(`mutation { system { changeSshSettings(settings: { enable: false, passwordAuthentication: false }) {
      success code message enable passwordAuthentication } } }`);

    expect(res.body.data.system.changeSshSettings).toEqual({
      success: true, code: 200, message: 'SSH settings changed', enable: false, passwordAuthentication: true,
    });
    expect(readUserData(server).ssh).toEqual({ enable: false, passwordAuthentication: true, rootKeys: ['ssh-ed25519 AAAA root@x'] });
  });

  it('deprecated root setSshSettings answers as a GenericMutationReturn and creates the section', async () => {
    editUserData(server, (data) => delete data.ssh);

    const res = await call('mutation { setSshSettings(settings: { enable: true }) { success code message } }');

    expect(res.body.data.setSshSettings).toEqual({ success: true, code: 200, message: 'SSH settings changed' });
    expect(readUserData(server).ssh).toEqual({ enable: true });
  });

  it('a missing enable is a GraphQL validation error', async () => {
    const res = await call('mutation { system { changeSshSettings(settings: { passwordAuthentication: true }) { success } } }');

    expect(res.body.errors?.[0]?.message).toMatch(/enable/);
  });
});

describe('system.setDnsProvider', () => {
  const MUTATION = 'mutation ($i: SetDnsProviderInput!) { system { setDnsProvider(input: $i) { success code message } } }';

  it('stores the token in secrets.json and the provider in userdata', async () => {
    const res = await call(MUTATION, { i: { provider: 'PORKBUN', token: 'pk1_secret', tokenId: 'sk1_secret' } });

    expect(res.body.data.system.setDnsProvider).toEqual({ success: true, code: 200, message: 'Provider set' });
    expect(readSecrets(server).dns).toEqual({ token: 'pk1_secret', tokenId: 'sk1_secret' });
    expect(readSecrets(server).api).toEqual({ skippedMigrations: [] });
    expect(readUserData(server).dns).toEqual({ provider: 'PORKBUN', useStagingACME: false });
    expect(JSON.stringify(readUserData(server))).not.toContain('secret');

    const switched = await call(MUTATION, { i: { provider: 'DESEC', token: 'desec_secret' } });
    expect(switched.body.data.system.setDnsProvider.success).toBe(true);
    expect(readSecrets(server).dns).toEqual({ token: 'desec_secret' });
    const info = await call('{ system { domainInfo { provider } } }');
    expect(info.body.data.system.domainInfo.provider).toBe('DESEC');
  });

  it('answers 400 for missing or unused extra secrets and writes nothing', async () => {
    const userData = readUserData(server);
    const secrets = readSecrets(server);

    const missing = await call(MUTATION, { i: { provider: 'PORKBUN', token: 't', tokenId: '' } });
    const unused = await call(MUTATION, { i: { provider: 'CLOUDFLARE', token: 't', tenant: 'x' } });

    expect(missing.body.data.system.setDnsProvider).toEqual({
      success: false, code: 400, message: 'The provider PORKBUN requires additional secrets, but they were not provided.',
    });
    expect(unused.body.data.system.setDnsProvider).toEqual({
      success: false, code: 400, message: 'The provider CLOUDFLARE does not use the provided additional secrets.',
    });
    expect(readUserData(server)).toEqual(userData);
    expect(readSecrets(server)).toEqual(secrets);
  });

  it('an unknown provider is a variable error with data null', async () => {
    const before = readSecrets(server);

    const res = await call(MUTATION, { i: { provider: 'NAMECHEAP', token: 't' } });

    expect(res.body.data).toBeNull();
    expect(readSecrets(server)).toEqual(before);
    expect(res.body.errors?.[0]?.message).toMatch(/NAMECHEAP/);
  });
});

describe('system actions', () => {
  it('runSystemRebuild returns the CREATED job, which the simulated host takes to FINISHED', async () => {
    const res = await call(`mutation { system { runSystemRebuild { success code message job { ${JOB_FIELDS} } } } }`);

    const result = res.body.data.system.runSystemRebuild;
    expect(result).toMatchObject({ success: true, code: 200, message: 'Starting system rebuild' });
    expect(result.job).toMatchObject({
      typeId: 'system.nixos.rebuild',
      name: 'Rebuild system',
      description: 'Applying the new system configuration by building the new NixOS generation.',
      status: 'CREATED',
      progress: 0,
      statusText: '',
    });
    const done = await waitForJob(server, result.job.uid);
    expect(done).toMatchObject({ status: 'FINISHED', result: 'System rebuilt.', progress: 100, error: null });
    expect(done.statusText).toBe('Finished sp-nixos-rebuild.service.');
  });

  it('runSystemUpgrade runs the upgrade job; the root twins answer without the job', async () => {
    const res = await call(`mutation { system { runSystemUpgrade { success code message job { uid typeId name description } } } }`);
    const result = res.body.data.system.runSystemUpgrade;
    expect(result).toMatchObject({ success: true, code: 200, message: 'Starting system upgrade' });
    expect(result.job).toMatchObject({ typeId: 'system.nixos.upgrade', name: 'Upgrade system', description: 'Upgrading the system to the latest version.' });
    expect(await waitForJob(server, result.job.uid)).toMatchObject({ status: 'FINISHED', result: 'System rebuilt.' });

    const systemJobs = async () =>
      ((await call('{ jobs { getJobs { uid typeId } } }')).body.data.jobs.getJobs as { uid: string; typeId: string }[]).filter((j) =>
        j.typeId.startsWith('system.nixos'),
      );
    const rootRebuild = await call('mutation { runSystemRebuild { success code message } }');
    expect(rootRebuild.body.data.runSystemRebuild).toEqual({ success: true, code: 200, message: 'Starting system rebuild' });
    // one job at a time changes the system generation: an upgrade asked for during the rebuild is refused
    const duringRebuild = await call('mutation { runSystemUpgrade { success code message } }');
    expect(duringRebuild.body.data.runSystemUpgrade).toEqual({
      success: false, code: 409, message: 'Another job (Rebuild system) is already working on system',
    });
    for (const job of await systemJobs()) await waitForJob(server, job.uid);
    const rootUpgrade = await call('mutation { runSystemUpgrade { success code message } }');
    expect(rootUpgrade.body.data.runSystemUpgrade).toEqual({ success: true, code: 200, message: 'Starting system upgrade' });
    const jobs = await systemJobs();
    for (const job of jobs) await waitForJob(server, job.uid);
    expect(jobs.filter((j) => j.typeId === 'system.nixos.upgrade')).toHaveLength(2);
  });

  it('runSystemRollback, rebootSystem and pullRepositoryChanges answer as the reference', async () => {
    const res = await call(`mutation {
      system {
        runSystemRollback { success code message }
        rebootSystem { success code message }
        pullRepositoryChanges { success code message }
      }
    }`);

    expect(res.body.data.system).toEqual({
      runSystemRollback: { success: true, code: 200, message: 'Starting system rollback' },
      rebootSystem: { success: true, code: 200, message: 'System reboot has started' },
      pullRepositoryChanges: { success: false, code: 400, message: 'There is no repository to pull changes from.' },
    });
    const root = await call(`mutation {
      runSystemRollback { success code message }
      rebootSystem { success code message }
      pullRepositoryChanges { success code message }
    }`);
    expect(root.body.data).toEqual(res.body.data.system);
  });

  it('nixCollectGarbage frees the dead store paths, then finds the system clear', async () => {
    const first = await call(`mutation { system { nixCollectGarbage { success code message job { ${JOB_FIELDS} } } } }`);
    const result = first.body.data.system.nixCollectGarbage;
    expect(result).toMatchObject({ success: true, code: 200, message: 'Garbage collector started...' });
    expect(result.job).toMatchObject({ typeId: 'maintenance.collect_nix_garbage', name: 'Collect garbage', description: 'Cleaning up unused packages' });

    const done = await waitForJob(server, result.job.uid);
    expect(done).toMatchObject({ status: 'FINISHED', progress: 100, statusText: 'Garbage collection completed.' });
    expect(done.result).toMatch(/^\d+\.\d{2} MiB have been cleared$/);

    const again = await call('mutation { system { nixCollectGarbage { job { uid } } } }');
    expect(await waitForJob(server, again.body.data.system.nixCollectGarbage.job.uid)).toMatchObject({
      status: 'FINISHED', statusText: 'Nothing to clear', result: 'System is clear',
    });
  });

  it('every system mutation needs a token', async () => {
    const res = await gql(server, 'mutation { system { rebootSystem { success } } }');
    const root = await gql(server, 'mutation { runSystemRebuild { success } }');

    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.message).toBe('You must be authenticated to access this resource.');
    expect(root.body.data).toBeNull();
  });
});

describe('failures on the host and in the userdata file', () => {
  const hostStatePath = () => join(server.dataDir, 'simulated-host.json');

  it('a NixOS unit systemd does not know: rollback answers 500, a rebuild job fails with the text in statusText', async () => {
    const state = JSON.parse(readFileSync(hostStatePath(), 'utf8'));
    const saved = { ...state.units };
    delete state.units['sp-nixos-rollback.service'];
    delete state.units['sp-nixos-rebuild.service'];
    writeFileSync(hostStatePath(), JSON.stringify(state));

    const rollback = await call('mutation { system { runSystemRollback { success code message } } }');
    const rebuild = await call('mutation { system { runSystemRebuild { success code job { uid } } } }');

    expect(rollback.body.data.system.runSystemRollback).toEqual({
      success: false, code: 500, message: 'systemctl start sp-nixos-rollback.service exited with code 5',
    });
    expect(rebuild.body.data.system.runSystemRebuild).toMatchObject({ success: true, code: 200 });
    expect(await waitForJob(server, rebuild.body.data.system.runSystemRebuild.job.uid)).toMatchObject({
      status: 'ERROR',
      error: null,
      statusText: 'systemctl start sp-nixos-rebuild.service exited with code 5',
    });
    writeFileSync(hostStatePath(), JSON.stringify({ ...JSON.parse(readFileSync(hostStatePath(), 'utf8')), units: saved }));
  });

  it('an unknown DNS provider in userdata is a GraphQL error on domainInfo', async () => {
    editUserData(server, (data) => (data.dns.provider = 'NAMECHEAP'));

    const res = await call('{ system { domainInfo { provider } } }');

    expect(res.body.data).toBeNull();
    expect(res.body.errors).toMatchObject([
      { message: 'The userdata names an unknown DNS provider: NAMECHEAP', path: ['system', 'domainInfo'], extensions: { code: 'INVALID_INPUT' } },
    ]);
    editUserData(server, (data) => (data.dns.provider = 'CLOUDFLARE'));
  });
});
