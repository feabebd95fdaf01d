import { describe, expect, it } from 'vitest';
import { sampleBlockDevices } from '../../../test/fakes/block-devices.js';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { silentLogger } from '../../../test/fakes/fake-deps.js';
import { InMemoryDocumentStore } from '../../../test/fakes/in-memory-document-store.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import type { ProgressReport } from '../jobs/job-runner.js';
import type { UserData } from '../userdata/userdata-types.js';
import { type BindMigrationInput, migrateToBinds, startMigrationToBinds } from './migrate-to-binds.js';

const INPUT: BindMigrationInput = {
  emailBlockDevice: 'sda1',
  bitwardenBlockDevice: 'sdb',
  giteaBlockDevice: 'sdb',
  nextcloudBlockDevice: 'sdb',
  pleromaBlockDevice: 'sda1',
};
const DIR = { exists: true, isDirectory: true, owner: 'root' };

function setup(userData: UserData = { domain: 'example.org', useBinds: false, email: { other: 1 } }) {
  const ports = jobPorts();
  const host = new FakeHost();
  host.devices = sampleBlockDevices();
  host.units = {
    'phpfpm-nextcloud.service': 'active',
    'vaultwarden.service': 'active',
    'forgejo.service': 'active',
    'dovecot2.service': 'active',
    'postfix.service': 'failed',
  };
  host.onUnitCommand = (verb, unit) => {
    host.units[unit] = verb === 'stop' ? 'inactive' : 'active';
  };
  host.paths = {
    '/var/lib/nextcloud': DIR,
    '/var/lib/bitwarden_rs': DIR,
    '/var/lib/gitea': DIR,
    '/volumes/sdb/gitea': DIR, // already on a volume: left alone
    '/var/vmail': DIR,
    '/var/sieve': DIR,
    '/var/lib/postgresql': DIR,
  };
  const reports: ProgressReport[] = [];
  const report = async (r: ProgressReport) => void reports.push(r);
  const deps = { ...ports, host, userData: new InMemoryDocumentStore<UserData>(userData) };
  return { deps, host, reports, report, ports };
}

const effects = (host: FakeHost) => host.calls.filter((c) => /^(stopUnit|startUnit|moveFolder|bindMount|chownRecursive)/.test(c));

describe('migrateToBinds', () => {
  it('records the locations, then moves each service\u2019s data to its volume and binds it back', async () => {
    const { deps, host, reports, report } = setup();

    const outcome = await migrateToBinds(deps, INPUT, report);

    expect(outcome).toEqual({ statusText: 'Migration finished.', result: 'Migration finished.' });
    expect(reports).toEqual([
      { progress: 0, statusText: 'Checking if all volumes are available.' },
      { progress: 5, statusText: 'Activating binds in NixOS config.' },
      { progress: 10, statusText: 'Migrating Nextcloud.' },
      { progress: 28, statusText: 'Migrating Bitwarden.' },
      { progress: 46, statusText: 'Migrating Gitea.' },
      { progress: 64, statusText: 'Migrating Mail server.' },
      { progress: 82, statusText: 'Migrating Pleroma.' },
    ]);
    expect(deps.userData.document).toEqual({
      domain: 'example.org',
      useBinds: true,
      email: { other: 1, location: 'sda1' },
      bitwarden: { location: 'sdb' },
      gitea: { location: 'sdb' },
      nextcloud: { location: 'sdb' },
      pleroma: { location: 'sda1' },
    });
    expect(effects(host)).toEqual([
      'stopUnit phpfpm-nextcloud.service',
      'moveFolder /var/lib/nextcloud /volumes/sdb/nextcloud',
      'bindMount /volumes/sdb/nextcloud /var/lib/nextcloud',
      'chownRecursive /var/lib/nextcloud nextcloud:nextcloud',
      'startUnit phpfpm-nextcloud.service',
      'stopUnit vaultwarden.service',
      'moveFolder /var/lib/bitwarden_rs /volumes/sdb/bitwarden_rs',
      'bindMount /volumes/sdb/bitwarden_rs /var/lib/bitwarden_rs',
      'chownRecursive /var/lib/bitwarden_rs vaultwarden:vaultwarden',
      'startUnit vaultwarden.service',
      'stopUnit forgejo.service',
      'startUnit forgejo.service',
      // postfix was not running: neither stopped nor started
      'stopUnit dovecot2.service',
      'moveFolder /var/vmail /volumes/sda1/vmail',
      'bindMount /volumes/sda1/vmail /var/vmail',
      'chownRecursive /var/vmail virtualMail:virtualMail',
      'moveFolder /var/sieve /volumes/sda1/sieve',
      'bindMount /volumes/sda1/sieve /var/sieve',
      'chownRecursive /var/sieve virtualMail:virtualMail',
      'startUnit dovecot2.service',
      'moveFolder /var/lib/postgresql /volumes/sda1/postgresql',
      'bindMount /volumes/sda1/postgresql /var/lib/postgresql',
      'chownRecursive /var/lib/postgresql postgres:postgres',
    ]);
  });

  it('fails before writing anything when a volume is unknown or not mounted under /volumes', async () => {
    for (const [device, error] of [
      ['sdx', 'Block device sdx not found.'],
      ['sdc', 'Block device sdc not mounted.'],
    ]) {
      const { deps, host, report } = setup();

      await expect(migrateToBinds(deps, { ...INPUT, giteaBlockDevice: device! }, report)).rejects.toMatchObject({ fields: { error } });

      expect(deps.userData.writes).toBe(0);
      expect(effects(host)).toEqual([]);
    }
  });

  it('keeps going when a bind mount fails (logged), like the reference', async () => {
    const { deps, host, report } = setup();
    host.failing.add('bindMount');

    await expect(migrateToBinds({ ...deps, logger: silentLogger }, INPUT, report)).resolves.toMatchObject({ result: 'Migration finished.' });

    expect(effects(host)).toContain('chownRecursive /var/lib/nextcloud nextcloud:nextcloud');
  });

  it('stops when a service does not stop within 5 minutes, before moving its data', async () => {
    const { deps, host, report } = setup();
    host.onUnitCommand = (verb, unit) => {
      host.units[unit] = verb === 'stop' ? 'deactivating' : 'active';
    };

    await expect(migrateToBinds(deps, INPUT, report)).rejects.toMatchObject({
      fields: { error: 'Nextcloud did not stop within 5 minutes; its data was not moved.' },
    });
    expect(effects(host)).toEqual(['stopUnit phpfpm-nextcloud.service']);
  });

  it('refuses to run twice: Migration already done.', async () => {
    const { deps, report } = setup({ useBinds: true });

    await expect(migrateToBinds(deps, INPUT, report)).rejects.toMatchObject({ fields: { error: 'Migration already done.' } });
  });
});

describe('startMigrationToBinds', () => {
  it('answers ALREADY_MIGRATED when the server already uses binds, creating no job', async () => {
    const { deps, ports } = setup({ useBinds: true });

    await expect(startMigrationToBinds(deps, INPUT)).rejects.toMatchObject({
      code: 'ALREADY_MIGRATED',
      status: 409,
      message: 'Already migrated to binds',
    });
    expect(ports.jobs.rows.size).toBe(0);
  });

  it('starts one migration when two are asked for at once: the other answers RESOURCE_BUSY and moves nothing', async () => {
    const { deps, ports } = setup();

    const results = await Promise.allSettled([startMigrationToBinds(deps, INPUT), startMigrationToBinds(deps, INPUT)]);
    await ports.background.drain();

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'RESOURCE_BUSY',
      status: 409,
      message: 'Another job (Migrate to binds) is already working on storage',
    });
    expect(ports.jobs.rows.size).toBe(1);
    expect(deps.host.calls.filter((c) => c.startsWith('moveFolder /var/lib/nextcloud'))).toHaveLength(1);
  });

  it('runs the migrations.migrate_to_binds job to FINISHED', async () => {
    const { deps, ports } = setup();

    const job = await startMigrationToBinds(deps, INPUT);
    await ports.background.drain();

    expect(job).toMatchObject({
      typeId: 'migrations.migrate_to_binds',
      name: 'Migrate to binds',
      description: 'Migration required to use the new disk space management.',
    });
    expect(await ports.jobs.get(job.uid)).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Migration finished.' });
  });
});
