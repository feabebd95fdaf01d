import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleHostState } from '../../src/infra/host/simulated-host-state.js';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { JOB_FIELDS, editUserData, readUserData, waitForJob } from './system-helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const call = (query: string, variables?: Record<string, unknown>) => gql(server, query, variables, server.token);
// The simulated host writes its state file on its first change; until then it is the sample state.
const hostState = () => {
  const path = join(server.dataDir, 'simulated-host.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : sampleHostState();
};
const device = (name: string) => hostState().devices.find((d: { name: string }) => d.name === name);

const SDB_ENTRY = { device: '/dev/disk/by-uuid/1b2c3d4e-0000-4000-8000-000000000001', mountPoint: '/volumes/sdb', fsType: 'ext4' };
const VOLUMES = '{ storage { volumes { name root totalSpace freeSpace usedSpace model serial type } } }';

describe('storage.volumes', () => {
  it('lists the usable ext4 volumes with canonical names and byte counts as strings', async () => {
    const root = device('sda1');
    const sdb = device('sdb');

    const res = await call(VOLUMES);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.storage.volumes).toEqual([
      { name: 'sdb', root: false, totalSpace: sdb.fssize, freeSpace: sdb.fsavail, usedSpace: sdb.fsused, model: 'Volume', serial: 'HC_Volume_101010101', type: 'disk' },
      { name: 'sda1', root: true, totalSpace: root.fssize, freeSpace: root.fsavail, usedSpace: root.fsused, model: null, serial: null, type: 'part' },
    ]);
  });

  it('names the system disk after server.rootPartitionName when set', async () => {
    editUserData(server, (data) => (data.server.rootPartitionName = 'root'));

    const res = await call('{ storage { volumes { name root } } }');

    expect(res.body.data.storage.volumes).toContainEqual({ name: 'root', root: true });
    editUserData(server, (data) => delete data.server.rootPartitionName);
  });

  it('is refused without a token', async () => {
    const res = await gql(server, VOLUMES);

    expect(res.body.data).toBeNull();
    expect(res.body.errors).toMatchObject([{ message: 'You must be authenticated to access this resource.', path: ['storage'] }]);
  });
});

describe('storage mutations', () => {
  const mutation = (op: string, name: string) => call(`mutation ($n: String!) { storage { ${op}(name: $n) { success code message } } }`, { n: name });

  it('unmountVolume removes the volume entry; a second time is 409', async () => {
    expect(readUserData(server).volumes).toEqual([SDB_ENTRY]);

    const first = await mutation('unmountVolume', 'sdb');
    expect(first.body.data.storage.unmountVolume).toEqual({ success: true, code: 200, message: 'Volume unmounted, rebuild the system to apply changes' });
    expect(readUserData(server).volumes).toEqual([]);

    const again = await mutation('unmountVolume', 'sdb');
    expect(again.body.data.storage.unmountVolume).toEqual({ success: false, code: 409, message: 'Volume not unmounted (already unmounted?)' });
    expect(readUserData(server).volumes).toEqual([]);
  });

  it('mountVolume adds the by-uuid entry; a second time is 409', async () => {
    const first = await mutation('mountVolume', 'sdb');
    expect(first.body.data.storage.mountVolume).toEqual({ success: true, code: 200, message: 'Volume mounted, rebuild the system to apply changes' });
    expect(readUserData(server).volumes).toEqual([SDB_ENTRY]);

    const again = await mutation('mountVolume', 'sdb');
    expect(again.body.data.storage.mountVolume).toEqual({ success: false, code: 409, message: 'Volume not mounted (already mounted?)' });
    expect(readUserData(server).volumes).toEqual([SDB_ENTRY]);
  });

  it('resizeVolume grows the filesystem to the device size', async () => {
    const sdb = device('sdb');
    expect(sdb.fssize).not.toBe(sdb.size);

    const res = await mutation('resizeVolume', 'sdb');

    expect(res.body.data.storage.resizeVolume).toEqual({ success: true, code: 200, message: 'Volume resize started' });
    const volumes = (await call('{ storage { volumes { name totalSpace } } }')).body.data.storage.volumes;
    expect(volumes).toContainEqual({ name: 'sdb', totalSpace: sdb.size });
  });

  it('every volume mutation answers 404 Volume not found for an unknown name, writing nothing', async () => {
    const before = readUserData(server);

    for (const op of ['resizeVolume', 'mountVolume', 'unmountVolume']) {
      const res = await mutation(op, 'sdz');
      expect(res.body.data.storage[op], op).toEqual({ success: false, code: 404, message: 'Volume not found' });
    }
    expect(readUserData(server)).toEqual(before);
  });

  it('the deprecated root twins do the same', async () => {
    const res = await call(`mutation {
      unmountVolume(name: "sdb") { success code message }
      mountVolume(name: "sdb") { success code message }
      resizeVolume(name: "nope") { success code message }
    }`);

    expect(res.body.data).toEqual({
      unmountVolume: { success: true, code: 200, message: 'Volume unmounted, rebuild the system to apply changes' },
      mountVolume: { success: true, code: 200, message: 'Volume mounted, rebuild the system to apply changes' },
      resizeVolume: { success: false, code: 404, message: 'Volume not found' },
    });
    expect(readUserData(server).volumes).toEqual([SDB_ENTRY]);
  });
});

describe('storage.migrateToBinds', () => {
  const INPUT = {
    emailBlockDevice: 'sda1',
    bitwardenBlockDevice: 'sda1',
    giteaBlockDevice: 'sda1',
    nextcloudBlockDevice: 'sdb',
    pleromaBlockDevice: 'sda1',
  };
  const MUTATION = `mutation ($i: MigrateToBindsInput!) { storage { migrateToBinds(input: $i) { success code message job { ${JOB_FIELDS} } } } }`;

  it('answers 409 when the server already uses binds, starting no job', async () => {
    const res = await call(MUTATION, { i: INPUT });
    const root = await call('mutation ($i: MigrateToBindsInput!) { migrateToBinds(input: $i) { success code message job { uid } } }', { i: INPUT });

    expect(res.body.data.storage.migrateToBinds).toEqual({ success: false, code: 409, message: 'Already migrated to binds', job: null });
    expect(root.body.data.migrateToBinds).toEqual({ success: false, code: 409, message: 'Already migrated to binds', job: null });
    const jobs = (await call('{ jobs { getJobs { typeId } } }')).body.data.jobs.getJobs;
    expect(jobs.filter((j: { typeId: string }) => j.typeId === 'migrations.migrate_to_binds')).toEqual([]);
  });

  it('fails the job on an unknown volume before writing anything', async () => {
    editUserData(server, (data) => (data.useBinds = false));
    const before = readUserData(server);

    const res = await call(MUTATION, { i: { ...INPUT, giteaBlockDevice: 'sdx' } });

    expect(res.body.data.storage.migrateToBinds).toMatchObject({ success: true, code: 200 });
    const job = await waitForJob(server, res.body.data.storage.migrateToBinds.job.uid);
    expect(job).toMatchObject({ status: 'ERROR', error: 'Block device sdx not found.', statusText: 'Checking if all volumes are available.' });
    expect(readUserData(server)).toEqual(before);
  });

  it('runs the migration job: locations and useBinds written, services restarted', async () => {
    editUserData(server, (data) => (data.useBinds = false));

    const res = await call(MUTATION, { i: INPUT });

    const result = res.body.data.storage.migrateToBinds;
    expect(result).toMatchObject({ success: true, code: 200, message: 'Migration to binds started, rebuild the system to apply changes' });
    expect(result.job).toMatchObject({
      typeId: 'migrations.migrate_to_binds',
      name: 'Migrate to binds',
      description: 'Migration required to use the new disk space management.',
      status: 'CREATED',
    });
    const job = await waitForJob(server, result.job.uid);
    expect(job).toMatchObject({ status: 'FINISHED', progress: 100, statusText: 'Migration finished.', result: 'Migration finished.' });
    const data = readUserData(server);
    expect(data.useBinds).toBe(true);
    expect([data.email, data.bitwarden, data.gitea, data.nextcloud, data.pleroma]).toEqual([
      { location: 'sda1' }, { location: 'sda1' }, { location: 'sda1' }, { location: 'sdb' }, { location: 'sda1' },
    ]);
    const units = hostState().units;
    const serviceUnits = Object.keys(units).filter((u) => /^(phpfpm-nextcloud|vaultwarden|forgejo|dovecot2?|postfix)\.service$/.test(u));
    expect(serviceUnits.length).toBeGreaterThanOrEqual(5);
    for (const unit of serviceUnits) expect(['activating', 'active'], unit).toContain(units[unit]);
  });
});
