import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import {
  AWARE_UTC, CONFIGURATION, SNAPSHOT, allSnapshots, backupMutation, backupQuery, configuration, hostPath, jobOfTypeEnds, runJob,
  writeHostFile,
} from './backups-graphql-helpers.js';
import { jobEnds, query, serviceById } from './services-helpers.js';

// End-to-end over HTTP: the `backup` query and every BackupMutations field (spec §4.8, §5.8) on the simulated
// host with the MEMORY provider, whose backups read the service's real folders and whose restores write them back.
// One repository through the whole file: each test starts where the one before it left off.

let server: TestServer;
let key: string;
let snapshotId: string;

const SECRET_FILE = '/var/lib/jitsi-meet/e2e/secret.txt';
const ORIGINAL = 'the original bytes\n';

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const read = (file: string) => readFileSync(hostPath(server, file), 'utf8');
const restore = (id: string, strategy?: string) =>
  runJob(server, `restoreBackup(snapshotId: $id${strategy ? `, strategy: ${strategy}` : ''})`, 'Restore job created', { id }, '($id: String!)');

describe('backup before a repository is set up', () => {
  it('needs a token for the query and for the mutations', async () => {
    const read = await gql(server, '{ backup { configuration { provider } } }');
    const write = await gql(server, 'mutation { backup { startBackup(serviceId: "nextcloud") { success } } }');

    expect(read.body).toMatchObject({ data: null, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(write.body).toMatchObject({ data: null, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('answers provider NONE, not initialised, no snapshots, and an encryption key that stays the same', async () => {
    const first = await backupQuery(server, `configuration { ${CONFIGURATION} } allSnapshots { id } lastSlice { id }`);
    const again = await configuration(server);

    expect(first).toMatchObject({
      configuration: {
        provider: 'NONE', isInitialized: false, autobackupPeriod: null, locationName: '', locationId: '',
        autobackupQuotas: { last: -1, daily: -1, weekly: -1, monthly: -1, yearly: -1 },
      },
      allSnapshots: [],
      lastSlice: [],
    });
    expect(first.configuration.encryptionKey).toMatch(/^[A-Za-z0-9_-]{300,}={0,2}$/);
    expect(again.encryptionKey).toBe(first.configuration.encryptionKey);
    key = first.configuration.encryptionKey;
  });

  it('answers code 300 to a backup of an unknown service', async () => {
    expect(await backupMutation(server, 'startBackup(serviceId: "nope") { success code message job { uid } }')).toEqual({
      success: false, code: 300, message: 'Nonexistent service: nope', job: null,
    });
  });
});

describe('a MEMORY repository', () => {
  it('is initialised with the stored encryption key', async () => {
    const answer = await backupMutation(
      server,
      `initializeRepository(repository: {provider: MEMORY, locationId: "", locationName: "e2e", login: "", password: ""}) { success code message configuration { ${CONFIGURATION} } }`,
    );

    expect(answer).toEqual({
      success: true, code: 200, message: '',
      configuration: {
        provider: 'MEMORY', encryptionKey: key, isInitialized: true, autobackupPeriod: null, locationName: 'e2e', locationId: '',
        autobackupQuotas: { last: -1, daily: -1, weekly: -1, monthly: -1, yearly: -1 },
      },
    });
  });

  it('backs up a service in a job, then lists the snapshot with its service and reason EXPLICIT', async () => {
    writeHostFile(server, SECRET_FILE, ORIGINAL);

    const { started, ended } = await runJob(server, 'startBackup(serviceId: "jitsi-meet")', 'Backup job queued');
    const snapshots = await allSnapshots(server);

    expect(started.job).toMatchObject({ typeId: 'services.jitsi-meet.backup', name: 'Backup JitsiMeet', description: 'Backing up JitsiMeet' });
    expect(ended).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Backup finished', error: null });
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ reason: 'EXPLICIT', service: { id: 'jitsi-meet', displayName: 'JitsiMeet' } });
    expect(snapshots[0].id).toMatch(/^[0-9a-f]{8}$/);
    expect(snapshots[0].createdAt).toMatch(AWARE_UTC);
    snapshotId = snapshots[0].id;
  });

  it("lists each service's own snapshots in Service.backupSnapshots", async () => {
    const jitsi = await serviceById(server, 'jitsi-meet', `id backupSnapshots { ${SNAPSHOT} }`);
    const nextcloud = await serviceById(server, 'nextcloud', 'id backupSnapshots { id }');

    expect(jitsi.backupSnapshots).toEqual([
      expect.objectContaining({ id: snapshotId, reason: 'EXPLICIT', service: expect.objectContaining({ id: 'jitsi-meet' }) }),
    ]);
    expect(nextcloud.backupSnapshots).toEqual([]);
  });

  it('restores the snapshot over changed files (DOWNLOAD_VERIFY_OVERWRITE by default): the original bytes, no extra file', async () => {
    writeHostFile(server, SECRET_FILE, 'broken');
    writeHostFile(server, '/var/lib/jitsi-meet/e2e/extra.txt', 'not in the snapshot');

    const { started, ended } = await restore(snapshotId);

    expect(started.job).toMatchObject({ typeId: 'services.jitsi-meet.restore', name: 'Restore JitsiMeet', description: `Restoring JitsiMeet from ${snapshotId}` });
    expect(ended).toMatchObject({ status: 'FINISHED', error: null });
    expect(read(SECRET_FILE)).toBe(ORIGINAL);
    expect(existsSync(hostPath(server, '/var/lib/jitsi-meet/e2e/extra.txt'))).toBe(false);
  });

  it('restores INPLACE after taking a PRE_RESTORE snapshot of what was there', async () => {
    writeHostFile(server, SECRET_FILE, 'broken again');

    const { ended } = await restore(snapshotId, 'INPLACE');
    const reasons = (await allSnapshots(server)).map((s) => `${s.service.id} ${s.reason}`).sort();

    expect(ended).toMatchObject({ status: 'FINISHED', error: null });
    expect(read(SECRET_FILE)).toBe(ORIGINAL);
    expect(reasons).toEqual(['jitsi-meet EXPLICIT', 'jitsi-meet PRE_RESTORE']);
  });

  it('fails the job of a service that cannot be backed up, loudly', async () => {
    const { ended } = await runJob(server, 'startBackup(serviceId: "ocserv")', 'Backup job queued');

    expect(ended).toMatchObject({ typeId: 'services.ocserv.backup', status: 'ERROR', error: 'cannot backup a non-backuppable service' });
    expect((await allSnapshots(server)).map((s) => s.service.id)).not.toContain('ocserv');
  });

  it('refuses a backup of a service another job is working on (a move) with 400 and the running job, and starts no job', async () => {
    const move = await query(server, 'mutation { services { moveService(input: {serviceId: "nextcloud", location: "sda1"}) { success job { uid } } } }');

    const refused = await backupMutation(server, 'startBackup(serviceId: "nextcloud") { success code message job { uid } }');
    const moved = await jobEnds(server, move.services.moveService.job.uid);
    const backups = (await query(server, '{ jobs { getJobs { typeId } } }')).jobs.getJobs.filter((j: any) => j.typeId === 'services.nextcloud.backup');

    expect(refused).toEqual({
      success: false, code: 400, message: 'Cannot start a backup of nextcloud, another operation is running: services.nextcloud.move', job: null,
    });
    expect(moved.status).toBe('FINISHED');
    expect(backups).toEqual([]);
  });

  it('answers 404 for an unknown snapshot, to a restore and to a forget', async () => {
    const restored = await backupMutation(server, 'restoreBackup(snapshotId: "deadbeef") { success code message job { uid } }');
    const forgotten = await backupMutation(server, 'forgetSnapshot(snapshotId: "deadbeef") { success code message }');

    expect(restored).toEqual({ success: false, code: 404, message: 'Snapshot not found with id: deadbeef', job: null });
    expect(forgotten).toEqual({ success: false, code: 404, message: 'Snapshot not found with id: deadbeef' });
  });

  it('forgets a snapshot, and a reload from the repository does not bring it back', async () => {
    const forgotten = await backupMutation(server, 'forgetSnapshot(snapshotId: $id) { success code message }', { id: snapshotId }, '($id: String!)');
    const afterForget = (await allSnapshots(server)).map((s) => s.id);
    const reload = await backupMutation(server, 'forceSnapshotsReload { success code message }');
    const afterReload = (await allSnapshots(server)).map((s) => s.reason);

    expect(forgotten).toEqual({ success: true, code: 200, message: '' });
    expect(afterForget).not.toContain(snapshotId);
    expect(afterForget).toHaveLength(1);
    expect(reload).toEqual({ success: true, code: 200, message: '' });
    expect(afterReload).toEqual(['PRE_RESTORE']);
  });
});

describe('automatic backup settings', () => {
  const setPeriod = async (args: string) =>
    (await backupMutation(server, `setAutobackupPeriod${args} { success code message configuration { autobackupPeriod } }`));

  it('stores a period in minutes; null, 0, a negative number or no argument disable automatic backups', async () => {
    expect(await setPeriod('(period: 60)')).toEqual({ success: true, code: 200, message: '', configuration: { autobackupPeriod: 60 } });
    expect((await setPeriod('(period: 0)')).configuration.autobackupPeriod).toBeNull();
    await setPeriod('(period: 120)');
    expect((await setPeriod('')).configuration.autobackupPeriod).toBeNull();
    await setPeriod('(period: 120)');
    expect((await setPeriod('(period: -5)')).configuration.autobackupPeriod).toBeNull();
    await setPeriod('(period: 1440)');
    expect((await setPeriod('(period: null)')).configuration.autobackupPeriod).toBeNull();
    expect((await configuration(server)).autobackupPeriod).toBeNull();
  });

  it('normalises quotas (every value below -1 becomes -1, 0 is kept) and trims in a job', async () => {
    const answer = await backupMutation(
      server,
      'setAutobackupQuotas(quotas: {last: -5, daily: 0, weekly: 3, monthly: -1, yearly: -100}) { success code message configuration { autobackupQuotas { last daily weekly monthly yearly } } }',
    );
    const trimming = await jobOfTypeEnds(server, 'backups.autobackup_trimming');

    expect(answer).toEqual({
      success: true, code: 200, message: '',
      configuration: { autobackupQuotas: { last: -1, daily: 0, weekly: 3, monthly: -1, yearly: -1 } },
    });
    expect(trimming).toMatchObject({ status: 'FINISHED', error: null });
    expect((await configuration(server)).autobackupQuotas).toEqual({ last: -1, daily: 0, weekly: 3, monthly: -1, yearly: -1 });
  });
});

describe('total backup and the last slice', () => {
  it('backs up every enabled service in one job; lastSlice ends with the API snapshot', async () => {
    const { started, ended } = await runJob(server, 'totalBackup', 'Total backup task queued');
    const slice = (await backupQuery(server, `lastSlice { ${SNAPSHOT} }`)).lastSlice;

    expect(started.job).toMatchObject({ typeId: 'backups.total_backup', name: 'Total backup', description: 'Backing up all the enabled services' });
    expect(ended).toMatchObject({ status: 'FINISHED', error: null });
    expect(slice.at(-1).service.id).toBe('selfprivacy-api');
    expect(slice.map((s: any) => s.service.id).sort()).toEqual(['bitwarden', 'gitea', 'nextcloud', 'selfprivacy-api', 'simple-nixos-mailserver']);
    expect(slice.every((s: any) => s.reason === 'EXPLICIT' && AWARE_UTC.test(s.createdAt))).toBe(true);
  });
});

describe('a restore while another job works on the service', () => {
  it('is refused with 400 and the running job, and starts no job', async () => {
    const [snapshot] = (await allSnapshots(server)).filter((s) => s.service.id === 'nextcloud');
    const move = await query(server, 'mutation { services { moveService(input: {serviceId: "nextcloud", location: "sdb"}) { success job { uid } } } }');

    const refused = await backupMutation(server, 'restoreBackup(snapshotId: $id) { success code message job { uid } }', { id: snapshot.id }, '($id: String!)');
    const moved = await jobEnds(server, move.services.moveService.job.uid);
    const restores = (await query(server, '{ jobs { getJobs { typeId } } }')).jobs.getJobs.filter((j: any) => j.typeId === 'services.nextcloud.restore');

    expect(refused).toEqual({
      success: false, code: 400, message: 'Cannot start a restore of nextcloud, another operation is running: services.nextcloud.move', job: null,
    });
    expect(moved.status).toBe('FINISHED');
    expect(restores).toEqual([]);
  });
});

describe('restoring everything', () => {
  it('restores the last slice in one job, then rebuilds the system on a job of its own', async () => {
    const { started, ended } = await runJob(server, 'restoreAll', 'Restore job created');
    const rebuild = await jobOfTypeEnds(server, 'system.nixos.rebuild');

    expect(started.job).toMatchObject({ typeId: 'backups.total_restore', name: 'Total restore', description: 'Restoring all enabled services' });
    expect(ended).toMatchObject({ status: 'FINISHED', error: null });
    expect(rebuild).toMatchObject({ status: 'FINISHED', error: null });
  });
});

describe('removing the repository', () => {
  it('answers NONE, not initialised, no period nor quotas, and keeps the encryption key', async () => {
    const answer = await backupMutation(server, `removeRepository { success code message configuration { ${CONFIGURATION} } }`);

    expect(answer).toEqual({
      success: true, code: 200, message: '',
      configuration: {
        provider: 'NONE', encryptionKey: key, isInitialized: false, autobackupPeriod: null, locationName: '', locationId: '',
        autobackupQuotas: { last: -1, daily: -1, weekly: -1, monthly: -1, yearly: -1 },
      },
    });
    expect(await allSnapshots(server)).toEqual([]);
  });

  it('connects again to the same repository with the kept key and finds its snapshots', async () => {
    const answer = await backupMutation(
      server,
      'initializeRepository(repository: {provider: MEMORY, locationId: "", locationName: "e2e", login: "", password: ""}) { success configuration { isInitialized } }',
    );
    await backupMutation(server, 'forceSnapshotsReload { success }');

    expect(answer).toEqual({ success: true, configuration: { isInitialized: true } });
    expect((await allSnapshots(server)).length).toBeGreaterThanOrEqual(6);
  });
});
