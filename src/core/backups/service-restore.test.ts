import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, logOf, settled, testRepository } from '../../../test/fakes/backup-deps.js';
import type { Job } from '../jobs/job-types.js';
import { createJob } from '../jobs/jobs.js';
import { initializeRepository } from './backup-configuration.js';
import { startBackup } from './service-backup.js';
import { restoreBackup } from './service-restore.js';
import { reloadSnapshots } from './snapshots.js';

let deps: BackupDeps;
beforeEach(async () => {
  deps = await backupDeps();
  await initializeRepository(deps, TEST_REPOSITORY);
});
afterEach(() => deps.close());

/** Records every job update of restore jobs (status, progress, statusText) in order. */
function recordRestoreUpdates(): Partial<Job>[] {
  const updates: Partial<Job>[] = [];
  const update = deps.jobs.update.bind(deps.jobs);
  deps.jobs.update = async (uid, patch) => {
    if (deps.jobs.rows.get(uid)?.typeId.endsWith('.restore')) updates.push({ status: patch.status, progress: patch.progress, statusText: patch.statusText });
    return update(uid, patch);
  };
  return updates;
}

/** Backs the service up through its job and answers the snapshot id. */
async function backUp(serviceId: string): Promise<string> {
  const job = await settled(deps, (await startBackup(deps, serviceId)).uid);
  expect(job.status).toBe('FINISHED');
  return deps.backupState.lastBackups.get(serviceId)!.snapshotId;
}

const unitCalls = () => deps.host.calls.filter((c) => /^(stop|start)Unit/.test(c));

describe('restoreBackup, DOWNLOAD_VERIFY_OVERWRITE', () => {
  it('stops Nextcloud, restores the original bytes through a side folder, removes extras, starts it again', async () => {
    await deps.put('/var/lib/nextcloud/data/alice/notes.txt', 'original notes');
    await deps.put('/var/lib/nextcloud/config.php', 'config');
    const snapshotId = await backUp('nextcloud');
    await deps.put('/var/lib/nextcloud/data/alice/notes.txt', 'broken');
    await deps.put('/var/lib/nextcloud/data/alice/new.txt', 'added later');
    const updates = recordRestoreUpdates();
    deps.restic.calls.length = 0;

    const job = await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE');
    const done = await settled(deps, job.uid);

    expect(job).toMatchObject({
      typeId: 'services.nextcloud.restore', name: 'Restore Nextcloud', description: `Restoring Nextcloud from ${snapshotId}`, status: 'CREATED',
    });
    expect(done).toMatchObject({ status: 'FINISHED', progress: 100, error: null });
    expect(await deps.read('/var/lib/nextcloud/data/alice/notes.txt')).toBe('original notes');
    expect(await deps.read('/var/lib/nextcloud/config.php')).toBe('config');
    expect(await deps.read('/var/lib/nextcloud/data/alice/new.txt')).toBeUndefined();
    expect(unitCalls()).toEqual(['stopUnit phpfpm-nextcloud.service', 'startUnit phpfpm-nextcloud.service']);
    expect(deps.host.units['phpfpm-nextcloud.service']).toBe('active');
    expect(deps.restic.calls).toEqual([`stats ${snapshotId}`, expect.stringMatching(new RegExp(`^restore ${snapshotId} ${deps.root}/tmp/restore-nextcloud-`))]);
    expect(await readdir(join(deps.root, 'tmp'))).toEqual([]);
    expect(updates.map((u) => [u.status, u.progress, u.statusText])).toEqual([
      ['RUNNING', 0, 'Stopping the service'],
      ['RUNNING', undefined, `Restoring from ${snapshotId}`],
      ['RUNNING', 90, 'Restarting the service'],
      ['FINISHED', 100, undefined],
    ]);
    expect(logOf(deps, job.uid)).toEqual([
      'Stopping the service', 'Stopped phpfpm-nextcloud.service', `Restoring from ${snapshotId}`, 'Restarting the service', 'Finished: Restore finished',
    ]);
  });

  it('a failing restic restore leaves the data as it was and the service running, the job ERROR with the reason', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    await deps.put('/var/lib/nextcloud/a.txt', 'current');
    deps.restic.fail('restore', 'restic restore failed: Fatal: verification failed for 1 file');

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done).toMatchObject({
      status: 'ERROR', statusText: 'restic restore failed: Fatal: verification failed for 1 file', error: 'restic restore failed: Fatal: verification failed for 1 file',
    });
    expect(await deps.read('/var/lib/nextcloud/a.txt')).toBe('current');
    expect(unitCalls()).toEqual(['stopUnit phpfpm-nextcloud.service', 'startUnit phpfpm-nextcloud.service']);
    expect(deps.host.units['phpfpm-nextcloud.service']).toBe('active');
    expect(await readdir(join(deps.root, 'tmp'))).toEqual([]);
  });

  it('a snapshot that lacks one of the folders overwrites nothing', async () => {
    await deps.put('/var/vmail/alice/mail', 'current mail');
    const snapshot = deps.restic.addSnapshot(testRepository(deps), {
      serviceId: 'simple-nixos-mailserver', time: deps.clock.now(), files: { [deps.host.filesPath('/var/vmail/alice/mail')]: 'old mail' },
    });
    await reloadSnapshots(deps);

    const done = await settled(deps, (await restoreBackup(deps, snapshot.id, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'The snapshot holds no /var/sieve; nothing was overwritten' });
    expect(await deps.read('/var/vmail/alice/mail')).toBe('current mail');
    expect(deps.host.units['dovecot.service']).toBe('active');
  });

  it('refuses to start when the snapshot does not fit: no unit stopped, nothing restored', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', '0123456789');
    const snapshotId = await backUp('nextcloud');
    deps.host.free = 4;
    deps.restic.calls.length = 0;

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'we only have 4 bytes but snapshot needs 10' });
    expect(deps.host.calls).toContain('freeBytes /var/lib/nextcloud');
    expect(unitCalls()).toEqual([]);
    expect(deps.restic.calls).toEqual([`stats ${snapshotId}`]);
  });

  it('a service that does not stop is started again and nothing is restored', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    await deps.put('/var/lib/nextcloud/a.txt', 'current');
    deps.host.onUnitCommand = () => undefined; // stays active

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'Nextcloud did not stop; nothing was restored' });
    expect(await deps.read('/var/lib/nextcloud/a.txt')).toBe('current');
    expect(unitCalls()).toEqual(['stopUnit phpfpm-nextcloud.service', 'startUnit phpfpm-nextcloud.service']);
  });
});

describe('a restore cut short by the API stopping', () => {
  it('has recorded, before the data changes, which units stay stopped', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    let checkpoint: string | undefined;
    deps.restic.gate = async (method) => {
      const restoreJob = [...deps.jobs.rows.values()].find((j) => j.typeId === 'services.nextcloud.restore');
      if (method === 'restore') checkpoint = deps.jobs.checkpoints.get(restoreJob!.uid)?.interrupted;
    };

    await settled(deps, (await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(checkpoint).toBe(
      `The API stopped while restoring Nextcloud from ${snapshotId}: its folders may be partly restored and phpfpm-nextcloud.service stays stopped; restore it again.`,
    );
  });
});

describe('restoreBackup, INPLACE', () => {
  it('takes a PRE_RESTORE snapshot, then restores over the data', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    await deps.put('/var/lib/nextcloud/a.txt', 'current');
    await deps.put('/var/lib/nextcloud/b.txt', 'extra');
    const updates = recordRestoreUpdates();

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'INPLACE')).uid);

    expect(done).toMatchObject({ status: 'FINISHED', error: null });
    expect(await deps.read('/var/lib/nextcloud/a.txt')).toBe('original');
    expect(await deps.read('/var/lib/nextcloud/b.txt')).toBeUndefined();
    const preRestore = deps.backupState.snapshots.find((s) => s.reason === 'PRE_RESTORE')!;
    expect(preRestore).toMatchObject({ serviceId: 'nextcloud' });
    expect(deps.restic.calls.filter((c) => /^(backup|restore)/.test(c))).toEqual([
      `backup nextcloud EXPLICIT ${deps.host.filesPath('/var/lib/nextcloud')}`,
      `backup nextcloud PRE_RESTORE ${deps.host.filesPath('/var/lib/nextcloud')}`,
      `restore ${snapshotId} /`,
    ]);
    expect(updates.map((u) => [u.status, u.statusText])).toEqual([
      ['RUNNING', 'Stopping the service'],
      ['CREATED', 'Waiting for pre-restore backup'],
      ['RUNNING', `Restoring from ${snapshotId}`],
      ['RUNNING', 'Restarting the service'],
      ['FINISHED', undefined],
    ]);
    expect([...deps.jobs.rows.values()].filter((j) => j.typeId === 'services.nextcloud.backup').map((j) => j.status)).toEqual(['FINISHED', 'FINISHED']);
    expect(unitCalls()).toEqual(['stopUnit phpfpm-nextcloud.service', 'startUnit phpfpm-nextcloud.service']);
  });

  it('a failed restore over the data puts the pre-restore snapshot back and says so', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    await deps.put('/var/lib/nextcloud/a.txt', 'current');
    deps.restic.fail('restore', 'restic restore failed: connection reset', 1);

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'INPLACE')).uid);

    const preRestore = deps.backupState.snapshots.find((s) => s.reason === 'PRE_RESTORE')!;
    const text = `Restore failed with restic restore failed: connection reset, reverted to ${preRestore.id}`;
    expect(done).toMatchObject({ status: 'ERROR', statusText: text, error: text });
    expect(await deps.read('/var/lib/nextcloud/a.txt')).toBe('current');
    expect(deps.restic.calls.filter((c) => c.startsWith('restore'))).toEqual([`restore ${snapshotId} /`, `restore ${preRestore.id} /`]);
    expect(deps.host.units['phpfpm-nextcloud.service']).toBe('active');
  });

  it('a failed pre-restore backup restores nothing and starts the service again', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    await deps.put('/var/lib/nextcloud/a.txt', 'current');
    deps.restic.fail('backup', 'restic backup failed: repository full');

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'INPLACE')).uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'restic backup failed: repository full' });
    expect(await deps.read('/var/lib/nextcloud/a.txt')).toBe('current');
    expect(deps.restic.calls.filter((c) => c.startsWith('restore'))).toEqual([]);
    expect(unitCalls()).toEqual(['stopUnit phpfpm-nextcloud.service', 'startUnit phpfpm-nextcloud.service']);
  });
});

describe('restoreBackup of a folder that moved since the snapshot', () => {
  /** The folder's files now live elsewhere, as the simulated host's binds put a moved service's data. */
  function nextcloudMoved(): string {
    const moved = join(deps.root, 'host', 'volumes', 'sda1', 'nextcloud');
    const filesPath = deps.host.filesPath.bind(deps.host);
    deps.host.filesPath = (path) => (path.startsWith('/var/lib/nextcloud') ? moved + path.slice('/var/lib/nextcloud'.length) : filesPath(path));
    return moved;
  }

  it('DOWNLOAD_VERIFY_OVERWRITE finds it in the snapshot by name and restores it where it is now', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    const moved = nextcloudMoved();
    await deps.put('/var/lib/nextcloud/a.txt', 'broken');

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done.status).toBe('FINISHED');
    expect(await readFile(join(moved, 'a.txt'), 'utf8')).toBe('original');
  });

  it('INPLACE refuses before stopping anything: restic would write to the old place', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    const snapshotId = await backUp('nextcloud');
    const old = deps.host.filesPath('/var/lib/nextcloud');
    nextcloudMoved();

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'INPLACE')).uid);

    expect(done).toMatchObject({
      status: 'ERROR', error: `The snapshot holds /var/lib/nextcloud as ${old}, where it is no longer kept; restore it with DOWNLOAD_VERIFY_OVERWRITE`,
    });
    expect(unitCalls()).toEqual([]);
  });
});

describe('restoreBackup: databases and the API', () => {
  it('loads each restored database dump, then removes the dumps', async () => {
    const load = deps.serviceDefinitions.load.bind(deps.serviceDefinitions);
    deps.serviceDefinitions.load = async () =>
      (await load()).map((d) => {
        // the catalogue's definitions are shared and frozen: a changed copy
        const document = d.document as { meta: Record<string, unknown> };
        if (document.meta.id !== 'gitea') return d;
        return { ...d, document: { ...document, meta: { ...document.meta, postgreDatabases: ['gitea'] } } };
      });
    deps.host.dumpDatabase = async (db, file) => deps.put(file, `dump of ${db}`);
    const dumpsAtRestore: (string | undefined)[] = [];
    deps.host.restoreDatabase = async (file) => {
      deps.host.calls.push(`restoreDatabase ${file}`);
      dumpsAtRestore.push(await deps.read(file));
    };
    await deps.put('/var/lib/gitea/repo', 'r');
    const snapshotId = await backUp('gitea');
    const updates = recordRestoreUpdates();

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done.status).toBe('FINISHED');
    expect(deps.host.calls).toContain('restoreDatabase /var/lib/postgresql-dumps/gitea/gitea.dump');
    expect(dumpsAtRestore).toEqual(['dump of gitea']);
    expect(updates.map((u) => u.statusText)).toContain('Restoring database gitea');
    expect(await deps.backupFiles.exists(deps.host.filesPath('/var/lib/postgresql-dumps/gitea'))).toBe(false);
  });

  it('the API: stashed userdata, secrets and DKIM keys come back, each movable service keeps its current volume', async () => {
    await deps.put('/var/dkim/example.org.selector.key', 'dkim key');
    const snapshotId = await backUp('selfprivacy-api');
    await deps.userData.update((d) => {
      d.timezone = 'UTC';
      d.modules!.nextcloud!.location = 'sda1';
    });
    await deps.secrets.update((d) => void (d.dns = { token: 'changed' }));
    await deps.put('/var/dkim/example.org.selector.key', 'other key');

    const done = await settled(deps, (await restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done.status).toBe('FINISHED');
    expect(deps.userData.document.timezone).toBe('Europe/Berlin');
    expect(deps.userData.document.modules!.nextcloud!.location).toBe('sda1');
    expect(deps.secrets.document.dns).toEqual({ token: 'simulated-dns-provider-token' });
    expect(await deps.read('/var/dkim/example.org.selector.key')).toBe('dkim key');
    expect(unitCalls()).toEqual([]);
    expect(await deps.backupFiles.exists(deps.host.filesPath('/etc/selfprivacy/dump'))).toBe(false);
  });
});

describe('restoreBackup: refusals', () => {
  it('answers SNAPSHOT_NOT_FOUND for an unknown snapshot', async () => {
    await expect(restoreBackup(deps, 'abcdef12', 'DOWNLOAD_VERIFY_OVERWRITE')).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND', status: 404, message: 'Snapshot not found with id: abcdef12',
    });
  });

  it('answers SNAPSHOT_SERVICE_NOT_FOUND when the snapshot service is gone', async () => {
    const snapshot = deps.restic.addSnapshot(testRepository(deps), { serviceId: 'pleroma-old', time: deps.clock.now(), files: { '/x': 'x' } });

    await expect(restoreBackup(deps, snapshot.id, 'INPLACE')).rejects.toMatchObject({
      code: 'SNAPSHOT_SERVICE_NOT_FOUND', status: 404, message: 'Nonexistent service: pleroma-old',
    });
  });

  it('answers BACKUP_BUSY while another job works on the service', async () => {
    await deps.put('/var/lib/nextcloud/a.txt', 'a');
    const snapshotId = await backUp('nextcloud');
    await createJob(deps, { typeId: 'services.nextcloud.move', name: 'Move Nextcloud', description: '', resource: 'service:nextcloud' });

    await expect(restoreBackup(deps, snapshotId, 'DOWNLOAD_VERIFY_OVERWRITE')).rejects.toMatchObject({
      code: 'BACKUP_BUSY', status: 400, message: 'Cannot start a restore of nextcloud, another operation is running: services.nextcloud.move',
    });
  });
});
