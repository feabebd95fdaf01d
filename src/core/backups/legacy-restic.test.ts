import { describe, expect, it } from 'vitest';
import { FakeRestic } from '../../../test/fakes/fake-restic.js';
import { InMemoryBackupState } from '../../../test/fakes/in-memory-backup-state.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { createJob, updateJob } from '../jobs/jobs.js';
import type { JobUpdate } from '../jobs/job-types.js';
import { legacyResticActivity } from './legacy-restic-activity.js';
import { type LegacyResticState, legacyRefusal, legacyResticState, legacyResticStatus, toLegacySnapshot } from './legacy-restic.js';

// The legacy controller's state (rest.md §4.7.1) read off the core's settings, jobs and this process's legacy work.

function statusDeps() {
  const ports = jobPorts();
  return { ...ports, backupState: new InMemoryBackupState(), restic: new FakeRestic() };
}
type StatusDeps = ReturnType<typeof statusDeps>;

async function initialized(deps: StatusDeps) {
  await deps.backupState.updateSettings({ provider: 'BACKBLAZE', login: 'key-id', providerKey: 'app-key', locationName: 'bucket', initialized: true });
}

async function job(deps: StatusDeps, typeId: string, ...updates: JobUpdate[]) {
  const created = await createJob(deps, { typeId, name: typeId, description: '' });
  for (const update of updates) {
    deps.clock.advance(1000);
    await updateJob(deps, created.uid, update);
  }
  return created;
}

/** Background work held until released, to look at the state while it runs. */
function held() {
  let release!: (err?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    release = (err) => (err ? reject(err) : resolve());
  });
  return { work: () => done, release };
}

describe('legacyResticStatus', () => {
  it('is NO_KEY with progress 0 and no error while no provider is configured', async () => {
    const deps = statusDeps();

    expect(await legacyResticStatus(deps)).toEqual({ status: 'NO_KEY', progress: 0, error_message: null });
  });

  it('is NOT_INITIALIZED when a provider is stored but restic finds no repository, INITIALIZED once the flag is set', async () => {
    const deps = statusDeps();
    await deps.backupState.updateSettings({ provider: 'BACKBLAZE', locationName: 'bucket' });

    expect((await legacyResticStatus(deps)).status).toBe('NOT_INITIALIZED');
    expect(deps.restic.calls).toEqual(['isInitialized BACKBLAZE:bucket']);

    await deps.backupState.updateSettings({ initialized: true });

    expect(await legacyResticStatus(deps)).toEqual({ status: 'INITIALIZED', progress: 0, error_message: null });
    expect(deps.restic.calls).toHaveLength(1);
  });

  it('is INITIALIZED for a repository connected with its key (no flag yet) once restic confirms it, and stores the flag', async () => {
    const deps = statusDeps();
    await deps.backupState.updateSettings({ provider: 'FILE', locationName: '/backups' });
    const key = await deps.backupState.encryptionKey(() => 'the-key');
    deps.restic.addSnapshot({ provider: 'FILE', location: '/backups', login: '', providerKey: '', encryptionKey: key }, { serviceId: 'gitea', time: new Date(0), files: {} });

    expect((await legacyResticStatus(deps)).status).toBe('INITIALIZED');
    expect((await deps.backupState.readSettings()).initialized).toBe(true);
  });

  it('is BACKING_UP while a service backup job is created or running, with its progress as a fraction', async () => {
    const deps = statusDeps();
    await initialized(deps);
    const backup = await job(deps, 'services.nextcloud.backup');

    expect(await legacyResticStatus(deps)).toEqual({ status: 'BACKING_UP', progress: 0, error_message: null });

    await updateJob(deps, backup.uid, { status: 'RUNNING', progress: 42, statusText: 'Uploading backup' });

    expect(await legacyResticStatus(deps)).toEqual({ status: 'BACKING_UP', progress: 0.42, error_message: null });
  });

  it('reports the total backup\u2019s progress rather than that of the service backup it runs', async () => {
    const deps = statusDeps();
    await initialized(deps);
    await job(deps, 'backups.total_backup', { status: 'RUNNING', progress: 25 });
    await job(deps, 'services.bitwarden.backup', { status: 'RUNNING', progress: 90 });

    expect(await legacyResticStatus(deps)).toMatchObject({ status: 'BACKING_UP', progress: 0.25 });
  });

  it('is BACKING_UP during an automatic backup and RESTORING while a restore job runs', async () => {
    const deps = statusDeps();
    await initialized(deps);
    const auto = await job(deps, 'backups.autobackup', { status: 'RUNNING', progress: 50 });

    expect(await legacyResticStatus(deps)).toMatchObject({ status: 'BACKING_UP', progress: 0.5 });

    await updateJob(deps, auto.uid, { status: 'FINISHED' });
    await job(deps, 'services.nextcloud.restore', { status: 'RUNNING', statusText: 'Restoring from 0000a001' });

    expect(await legacyResticStatus(deps)).toEqual({ status: 'RESTORING', progress: 0, error_message: null });
  });

  it('ignores jobs that are neither backups nor restores', async () => {
    const deps = statusDeps();
    await initialized(deps);
    await job(deps, 'services.nextcloud.move', { status: 'RUNNING', progress: 30 });
    await job(deps, 'system.nixos.rebuild', { status: 'ERROR', error: 'build failed' });

    expect(await legacyResticStatus(deps)).toEqual({ status: 'INITIALIZED', progress: 0, error_message: null });
  });

  it('is ERROR with the text of a failed backup until a later one finishes; the text stays, as the legacy controller kept it', async () => {
    const deps = statusDeps();
    await initialized(deps);
    await job(deps, 'services.nextcloud.backup', { status: 'RUNNING' }, { status: 'ERROR', error: 'Fatal: unable to open repository' });

    expect(await legacyResticStatus(deps)).toEqual({ status: 'ERROR', progress: 0, error_message: 'Fatal: unable to open repository' });

    await job(deps, 'backups.total_backup', { status: 'RUNNING' }, { status: 'FINISHED' });

    expect(await legacyResticStatus(deps)).toEqual({ status: 'INITIALIZED', progress: 0, error_message: 'Fatal: unable to open repository' });
  });

  it('takes a failed restore\u2019s statusText when it has no error text', async () => {
    const deps = statusDeps();
    await initialized(deps);
    await job(deps, 'services.nextcloud.restore', { status: 'ERROR', statusText: 'we only have 10 bytes but snapshot needs 20' });

    expect(await legacyResticStatus(deps)).toMatchObject({ status: 'ERROR', error_message: 'we only have 10 bytes but snapshot needs 20' });
  });

  it('is INITIALIZING while a legacy initialisation runs, whatever the settings say, then ERROR with its text (secrets blanked)', async () => {
    const deps = statusDeps();
    const init = held();

    legacyResticActivity(deps).start(deps, 'initialization', init.work, ['app-secret']);

    expect(await legacyResticState(deps)).toEqual({ shown: { status: 'INITIALIZING', progress: 0, error_message: null }, checked: 'INITIALIZING' });

    deps.clock.advance(1000);
    init.release(new Error('rclone: b2 authorization failed for key app-secret'));
    await deps.background.drain();

    // shown as ERROR, while create and restore still refuse with "No key provided"
    expect(await legacyResticState(deps)).toEqual({
      shown: { status: 'ERROR', progress: 0, error_message: 'rclone: b2 authorization failed for key [hidden]' },
      checked: 'NO_KEY',
    });

    await deps.backupState.updateSettings({ provider: 'BACKBLAZE', locationName: 'bucket' });

    expect(await legacyResticState(deps)).toMatchObject({ shown: { status: 'ERROR' }, checked: 'NOT_INITIALIZED' });

    await deps.backupState.updateSettings({ initialized: true });

    expect(await legacyResticState(deps)).toMatchObject({ shown: { status: 'ERROR' }, checked: 'ERROR' });
  });

  it('shows NO_KEY again once a finished job is newer than the failed legacy initialisation', async () => {
    const deps = statusDeps();
    legacyResticActivity(deps).start(deps, 'initialization', async () => {
      throw new Error('bucket not found');
    });
    await deps.background.drain();
    deps.clock.advance(1000);

    await job(deps, 'services.nextcloud.backup', { status: 'FINISHED' });

    expect(await legacyResticStatus(deps)).toEqual({ status: 'NO_KEY', progress: 0, error_message: 'bucket not found' });
  });

  it('is ERROR after a failed reload and INITIALIZED after the next reload succeeds', async () => {
    const deps = statusDeps();
    await initialized(deps);
    const activity = legacyResticActivity(deps);

    activity.start(deps, 'reload', async () => {
      throw new Error('Fatal: wrong password or no key found');
    });
    await deps.background.drain();

    expect(await legacyResticStatus(deps)).toMatchObject({ status: 'ERROR', error_message: 'Fatal: wrong password or no key found' });

    deps.clock.advance(1000);
    activity.start(deps, 'reload', async () => undefined);
    await deps.background.drain();

    expect(await legacyResticStatus(deps)).toEqual({ status: 'INITIALIZED', progress: 0, error_message: 'Fatal: wrong password or no key found' });
  });

  it('keeps one activity per process: other deps objects of the same process share it, another store does not', async () => {
    const deps = statusDeps();
    const init = held();
    legacyResticActivity(deps).start(deps, 'initialization', init.work);

    expect((await legacyResticStatus({ ...deps })).status).toBe('INITIALIZING');
    expect((await legacyResticStatus({ ...deps, backupState: new InMemoryBackupState() })).status).toBe('NO_KEY');

    init.release();
    await deps.background.drain();
  });
});

describe('legacyRefusal', () => {
  const create: [LegacyResticState, number | undefined, string | undefined][] = [
    ['NO_KEY', 400, 'No key provided'],
    ['INITIALIZING', 400, 'Backup is initializing'],
    ['BACKING_UP', 409, 'Backup is already running'],
    ['NOT_INITIALIZED', undefined, undefined],
    ['INITIALIZED', undefined, undefined],
    ['ERROR', undefined, undefined],
    ['RESTORING', undefined, undefined],
  ];
  const restore: [LegacyResticState, number | undefined, string | undefined][] = [
    ['NO_KEY', 400, 'No key provided'],
    ['NOT_INITIALIZED', 400, 'Repository is not initialized'],
    ['BACKING_UP', 409, 'Backup is already running'],
    ['INITIALIZING', 400, 'Repository is initializing'],
    ['RESTORING', 409, 'Restore is already running'],
    ['ERROR', undefined, undefined],
    ['INITIALIZED', undefined, undefined],
  ];

  it.each(create)('create in %s: %s %s', (state, status, message) => {
    const refusal = legacyRefusal(state, 'backup');

    expect(refusal && { status: refusal.status, message: refusal.message }).toEqual(status && { status, message });
  });

  it.each(restore)('restore in %s: %s %s', (state, status, message) => {
    const refusal = legacyRefusal(state, 'restore');

    expect(refusal && { status: refusal.status, message: refusal.message }).toEqual(status && { status, message });
  });
});

describe('toLegacySnapshot', () => {
  it('shapes a cached snapshot like restic\u2019s snapshot object, inventing nothing it does not know', () => {
    const snapshot = { id: '0a1b2c3d', fullId: '0a1b2c3d'.padEnd(64, 'e'), serviceId: 'nextcloud', reason: 'AUTO' as const, createdAt: new Date('2026-05-01T10:00:00.123Z'), paths: ['/var/lib/nextcloud'] };

    expect(toLegacySnapshot(snapshot)).toEqual({
      short_id: '0a1b2c3d',
      id: '0a1b2c3d'.padEnd(64, 'e'),
      time: '2026-05-01T10:00:00.123Z',
      paths: ['/var/lib/nextcloud'],
      tags: ['nextcloud', 'AUTO'],
    });
  });

  it('gives the short id as the id when the full one is unknown', () => {
    const snapshot = { id: '0a1b2c3d', fullId: '', serviceId: 'gitea', reason: 'EXPLICIT' as const, createdAt: new Date(0), paths: [] };

    expect(toLegacySnapshot(snapshot).id).toBe('0a1b2c3d');
  });
});
