import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, settled, testRepository } from '../../../test/fakes/backup-deps.js';
import { CoreError } from '../errors.js';
import { initializeRepository } from './backup-configuration.js';
import { legacyConfigureBackblaze, legacyReloadSnapshots, legacyRestoreBackup, legacyStartBackup } from './legacy-restic-actions.js';
import { legacyResticStatus } from './legacy-restic.js';
import { reloadSnapshots } from './snapshots.js';

// The legacy restic paths' actions (rest.md §4.7) on the backup core, with FakeRestic and real folders.

let deps: BackupDeps;
beforeEach(async () => (deps = await backupDeps()));
afterEach(async () => {
  deps.restic.gate = undefined;
  await deps.background.drain();
  await deps.close();
});

// The folders of the services the sample userdata enables (the API's own is made by the backup).
const SERVICE_FOLDERS = ['/var/vmail', '/var/sieve', '/var/lib/nextcloud', '/var/lib/gitea', '/var/lib/bitwarden_rs', '/var/lib/jitsi-meet', '/var/lib/pleroma', '/var/lib/prometheus'];

const KEYS = { accountId: 'key-id-0001', accountKey: 'app-key-secret', bucket: 'my-bucket' };

/** Holds every restic call of `method` until released. */
function hold(method: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  deps.restic.gate = async (called) => {
    if (called === method) await released;
  };
  return release;
}

/** The rejection's status and message, as the legacy answer shows them. */
async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CoreError)) throw new Error(`expected a CoreError, got ${String(err)}`);
  return { status: err.status, message: err.message };
}

async function withSnapshot() {
  await initializeRepository(deps, TEST_REPOSITORY);
  const files = { [deps.host.filesPath('/var/lib/bitwarden_rs/db.sqlite3')]: 'old' };
  const made = deps.restic.addSnapshot(testRepository(deps), { serviceId: 'bitwarden', time: new Date('2026-04-01T10:00:00Z'), files });
  await reloadSnapshots(deps);
  return made;
}

describe('legacyConfigureBackblaze', () => {
  it('writes userdata backblaze, then initialises a Backblaze repository in the background (INITIALIZING until done)', async () => {
    const release = hold('initRepository');

    await legacyConfigureBackblaze(deps, KEYS);

    expect(deps.userData.document.backblaze).toEqual(KEYS);
    expect(await legacyResticStatus(deps)).toEqual({ status: 'INITIALIZING', progress: 0, error_message: null });

    release();
    await deps.background.drain();

    expect(deps.restic.calls).toEqual(['isInitialized BACKBLAZE:my-bucket', 'init BACKBLAZE:my-bucket', 'snapshots']);
    expect(await deps.backupState.readSettings()).toMatchObject({ provider: 'BACKBLAZE', login: 'key-id-0001', providerKey: 'app-key-secret', locationName: 'my-bucket', locationId: '', initialized: true });
    expect(await legacyResticStatus(deps)).toEqual({ status: 'INITIALIZED', progress: 0, error_message: null });
  });

  it('keeps what else the userdata backblaze object holds', async () => {
    deps.userData.document.backblaze = { bucket: 'old', region: 'eu' };

    await legacyConfigureBackblaze(deps, KEYS);

    expect(deps.userData.document.backblaze).toEqual({ ...KEYS, region: 'eu' });
  });

  it('shows a failed initialisation as ERROR with restic\u2019s text, the key blanked in it and in the log', async () => {
    const warnings: unknown[] = [];
    const logged = { ...deps, logger: { ...deps.logger, warn: (msg: string, fields?: unknown) => void warnings.push([msg, fields]) } };
    deps.restic.fail('initRepository', 'Fatal: create repository at rclone::b2:my-bucket failed: b2 rejected key app-key-secret');

    await legacyConfigureBackblaze(logged, KEYS);
    await deps.background.drain();

    const status = await legacyResticStatus(deps);
    expect(status).toEqual({ status: 'ERROR', progress: 0, error_message: 'Fatal: create repository at rclone::b2:my-bucket failed: b2 rejected key [hidden]' });
    expect(JSON.stringify(warnings)).toContain('b2 rejected key [hidden]');
    expect(JSON.stringify(warnings)).not.toContain('app-key-secret');
    expect((await deps.backupState.readSettings()).provider).toBe('NONE');
    expect(await refusal(legacyStartBackup(deps))).toEqual({ status: 400, message: 'No key provided' });
  });
});

describe('legacyReloadSnapshots', () => {
  it('reloads the cache in the background; a failed reload shows as ERROR', async () => {
    const made = await withSnapshot();
    deps.restic.addSnapshot(testRepository(deps), { serviceId: 'gitea', time: new Date('2026-04-02T10:00:00Z'), files: { '/x': 'x' } });

    legacyReloadSnapshots(deps);
    await deps.background.drain();

    expect((await deps.backupState.listSnapshots()).map((s) => s.serviceId)).toEqual(['bitwarden', 'gitea']);
    expect((await legacyResticStatus(deps)).status).toBe('INITIALIZED');

    deps.restic.fail('listSnapshots', 'Fatal: unable to open repository');
    legacyReloadSnapshots(deps);
    await deps.background.drain();

    expect(await legacyResticStatus(deps)).toEqual({ status: 'ERROR', progress: 0, error_message: 'Fatal: unable to open repository' });
    expect(made.id).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('legacyStartBackup', () => {
  it('refuses with "No key provided" while no provider is configured, starting nothing', async () => {
    expect(await refusal(legacyStartBackup(deps))).toEqual({ status: 400, message: 'No key provided' });
    expect(await deps.jobs.list()).toEqual([]);
  });

  it('refuses with "Backup is initializing" while a legacy initialisation runs', async () => {
    await initializeRepository(deps, TEST_REPOSITORY);
    const release = hold('initRepository');
    await legacyConfigureBackblaze(deps, KEYS);

    expect(await refusal(legacyStartBackup(deps))).toEqual({ status: 400, message: 'Backup is initializing' });

    release();
  });

  it('starts a total backup; a second call while it runs is refused with 409 "Backup is already running"', async () => {
    await initializeRepository(deps, TEST_REPOSITORY);
    for (const folder of SERVICE_FOLDERS) await deps.put(`${folder}/data.txt`, folder);
    const release = hold('backup');

    const job = await legacyStartBackup(deps);

    expect(job).toMatchObject({ typeId: 'backups.total_backup', name: 'Total backup' });
    expect(await refusal(legacyStartBackup(deps))).toEqual({ status: 409, message: 'Backup is already running' });

    release();
    const ended = await settled(deps, job.uid);
    expect(ended, String(ended.error)).toMatchObject({ status: 'FINISHED' });
    expect(deps.restic.calls.filter((call) => call.startsWith('backup ')).length).toBeGreaterThan(1);
  });

  it('starts one total backup for two concurrent calls; the other is refused with 409', async () => {
    await initializeRepository(deps, TEST_REPOSITORY);
    const release = hold('backup');

    const results = await Promise.allSettled([legacyStartBackup(deps), legacyStartBackup(deps)]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(await refusal(Promise.reject(rejected.reason))).toEqual({ status: 409, message: 'Backup is already running' });
    expect((await deps.jobs.list()).filter((j) => j.typeId === 'backups.total_backup')).toHaveLength(1);

    release();
  });
});

describe('legacyRestoreBackup', () => {
  it('refuses per the legacy state: no key, then not initialised', async () => {
    expect(await refusal(legacyRestoreBackup(deps, 'aaaaaaaa'))).toEqual({ status: 400, message: 'No key provided' });

    await deps.backupState.updateSettings({ provider: 'FILE', locationName: '/backups' });

    expect(await refusal(legacyRestoreBackup(deps, 'aaaaaaaa'))).toEqual({ status: 400, message: 'Repository is not initialized' });
  });

  it('answers 404 "Backup not found" for an id the cache does not hold', async () => {
    await withSnapshot();

    expect(await refusal(legacyRestoreBackup(deps, 'ffffffff'))).toEqual({ status: 404, message: 'Backup not found' });
  });

  it('restores a snapshot by its short or full id, overwriting after verifying; a second restore meanwhile is refused with 409', async () => {
    const made = await withSnapshot();
    await deps.put('/var/lib/bitwarden_rs/db.sqlite3', 'broken');
    const release = hold('restore');

    const job = await legacyRestoreBackup(deps, made.fullId);

    expect(job).toMatchObject({ typeId: 'services.bitwarden.restore' });
    expect(await refusal(legacyRestoreBackup(deps, made.id))).toEqual({ status: 409, message: 'Restore is already running' });

    release();
    expect((await settled(deps, job.uid)).status).toBe('FINISHED');
    expect(await deps.read('/var/lib/bitwarden_rs/db.sqlite3')).toBe('old');
    // DOWNLOAD_VERIFY_OVERWRITE: restored into a side folder first, never over / directly
    expect(deps.restic.calls).toContainEqual(expect.stringMatching(new RegExp(`^restore ${made.id} ${deps.root}/tmp/`)));
  });

  it('starts one restore for two concurrent calls; the other is refused with 409 "Restore is already running"', async () => {
    const made = await withSnapshot();
    const release = hold('restore');

    const results = await Promise.allSettled([legacyRestoreBackup(deps, made.id), legacyRestoreBackup(deps, made.id)]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(await refusal(Promise.reject(rejected.reason))).toEqual({ status: 409, message: 'Restore is already running' });

    release();
  });

  it('refuses with 409 "Backup is already running" while a backup runs', async () => {
    const made = await withSnapshot();
    const release = hold('backup');
    await legacyStartBackup(deps);

    expect(await refusal(legacyRestoreBackup(deps, made.id))).toEqual({ status: 409, message: 'Backup is already running' });

    release();
  });
});
