import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, logOf, settled } from '../../../test/fakes/backup-deps.js';
import { cancelJob } from '../jobs/job-cancellation.js';
import type { Job } from '../jobs/job-types.js';
import { createJob } from '../jobs/jobs.js';
import { requireService } from '../services/service-registry.js';
import { initializeRepository } from './backup-configuration.js';
import { runServiceBackup, startBackup } from './service-backup.js';

let deps: BackupDeps;
beforeEach(async () => {
  deps = await backupDeps();
  await initializeRepository(deps, TEST_REPOSITORY);
  deps.restic.calls.length = 0;
});
afterEach(() => deps.close());

/** Records every job update (status, progress, statusText) in order. */
function recordUpdates(): Partial<Job>[] {
  const updates: Partial<Job>[] = [];
  const update = deps.jobs.update.bind(deps.jobs);
  deps.jobs.update = async (uid, patch) => {
    updates.push({ status: patch.status, progress: patch.progress, statusText: patch.statusText });
    return update(uid, patch);
  };
  return updates;
}

/** Gives Forgejo a PostgreSQL database, as a module with `meta.postgreDatabases` does. */
function giteaWithDatabase(): void {
  const load = deps.serviceDefinitions.load.bind(deps.serviceDefinitions);
  deps.serviceDefinitions.load = async () =>
    (await load()).map((d) => {
      // the catalogue's definitions are shared and frozen: a changed copy
      const document = d.document as { meta: Record<string, unknown> };
      if (document.meta.id !== 'gitea') return d;
      return { ...d, document: { ...document, meta: { ...document.meta, postgreDatabases: ['gitea'] } } };
    });
}

describe('startBackup', () => {
  it('backs up Nextcloud folders with restic, with progress and log lines, and lists the snapshot', async () => {
    await deps.put('/var/lib/nextcloud/data/alice/notes.txt', 'my notes');
    deps.restic.progress = [0, 0.02, 0.3, 0.31, 1].map((p) => ({
      percent: Math.floor(p * 100), bytesDone: Math.floor(p * 2048), bytesTotal: 2048, filesDone: p === 1 ? 1 : 0, filesTotal: 1,
    }));
    const updates = recordUpdates();

    const job = await startBackup(deps, 'nextcloud');
    const done = await settled(deps, job.uid);

    expect(job).toMatchObject({ typeId: 'services.nextcloud.backup', name: 'Backup Nextcloud', description: 'Backing up Nextcloud', status: 'CREATED' });
    expect(done).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Backup finished', statusText: 'Uploading backup', error: null });
    expect(deps.restic.calls).toEqual([`backup nextcloud EXPLICIT ${deps.host.filesPath('/var/lib/nextcloud')}`, 'snapshots']);
    expect(updates.map((u) => [u.status, u.progress, u.statusText])).toEqual([
      ['RUNNING', 0, undefined],
      ['RUNNING', 0, 'Uploading backup'],
      ['RUNNING', 2, undefined],
      ['RUNNING', 30, undefined],
      ['RUNNING', 31, undefined],
      ['RUNNING', 100, undefined],
      ['FINISHED', 100, undefined],
    ]);
    expect(logOf(deps, job.uid)).toEqual([
      'Uploading backup',
      'Uploaded 0 B of 2.0 KiB (0 of 1 files)',
      'Uploaded 614 B of 2.0 KiB (0 of 1 files)',
      'Uploaded 2.0 KiB of 2.0 KiB (1 of 1 files)',
      expect.stringMatching(/^Snapshot [0-9a-f]{8} written$/),
      'Finished: Backup finished',
    ]);
    const [snapshot] = deps.backupState.snapshots;
    expect(snapshot).toMatchObject({ serviceId: 'nextcloud', reason: 'EXPLICIT', createdAt: deps.clock.now() });
    expect(deps.backupState.lastBackups.get('nextcloud')).toEqual({ snapshotId: snapshot!.id, at: deps.clock.now() });
    const file = deps.restic.snapshotsIn({ ...testRepo() })[0]!.entries.find((e) => e.path.endsWith('notes.txt'));
    expect(file && file.kind === 'file' && file.data.toString()).toBe('my notes');
  });

  it('does not stop the service (§10.3 backs up a running service)', async () => {
    await deps.put('/var/lib/nextcloud/a', 'a');

    await settled(deps, (await startBackup(deps, 'nextcloud')).uid);

    expect(deps.host.calls.filter((c) => /^(stop|start)Unit/.test(c))).toEqual([]);
  });

  it('answers BACKUP_UNKNOWN_SERVICE (code 300) for an unknown service and creates no job', async () => {
    await expect(startBackup(deps, 'nope')).rejects.toMatchObject({ code: 'BACKUP_UNKNOWN_SERVICE', status: 300, message: 'Nonexistent service: nope' });
    expect(deps.jobs.rows.size).toBe(0);
  });

  it('answers BACKUP_BUSY naming the job that holds the service', async () => {
    await createJob(deps, { typeId: 'services.nextcloud.move', name: 'Move Nextcloud', description: '', resource: 'service:nextcloud' });

    await expect(startBackup(deps, 'nextcloud')).rejects.toMatchObject({
      code: 'BACKUP_BUSY', status: 400, message: 'Cannot start a backup of nextcloud, another operation is running: services.nextcloud.move',
    });
  });

  it('fails a service that cannot be backed up, without calling restic', async () => {
    const job = await settled(deps, (await startBackup(deps, 'monitoring')).uid);

    expect(job).toMatchObject({ status: 'ERROR', error: 'cannot backup a non-backuppable service' });
    expect(deps.restic.calls).toEqual([]);
  });

  it('fails with restic text and leaves no snapshot, no last-backup time', async () => {
    await deps.put('/var/lib/nextcloud/a', 'a');
    deps.restic.fail('backup', 'restic backup failed: Fatal: unable to save snapshot: connection refused');

    const job = await settled(deps, (await startBackup(deps, 'nextcloud')).uid);

    expect(job).toMatchObject({ status: 'ERROR', error: 'restic backup failed: Fatal: unable to save snapshot: connection refused', result: null });
    expect(logOf(deps, job.uid).at(-1)).toBe('Failed: restic backup failed: Fatal: unable to save snapshot: connection refused');
    expect(deps.backupState.snapshots).toEqual([]);
    expect(deps.backupState.lastBackups.size).toBe(0);
  });

  it('fails with the configuration message when no repository is configured', async () => {
    await deps.backupState.forgetRepository();

    const job = await settled(deps, (await startBackup(deps, 'nextcloud')).uid);

    expect(job).toMatchObject({ status: 'ERROR', error: 'Backups are not configured: initialize a backup repository first' });
  });

  it('a success removes the service’s earlier failed backup jobs, not others', async () => {
    await deps.put('/var/lib/nextcloud/a', 'a');
    deps.restic.fail('backup', 'boom', 1);
    const failed = await settled(deps, (await startBackup(deps, 'nextcloud')).uid);
    deps.restic.fail('backup', 'boom', 1);
    const otherFailed = await settled(deps, (await startBackup(deps, 'bitwarden')).uid);

    const ok = await settled(deps, (await startBackup(deps, 'nextcloud')).uid);

    expect([failed.status, otherFailed.status, ok.status]).toEqual(['ERROR', 'ERROR', 'FINISHED']);
    expect(await deps.jobs.get(failed.uid)).toBeUndefined();
    expect(await deps.jobs.get(otherFailed.uid)).toMatchObject({ status: 'ERROR' });
  });

  it('a backup stopped midway kills restic, ends ERROR as cancelled and leaves no dumps', async () => {
    giteaWithDatabase();
    await deps.put('/var/lib/gitea/repo', 'r');
    deps.restic.gate = (method, signal) =>
      method === 'backup' ? new Promise((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason), { once: true })) : Promise.resolve();
    const job = await startBackup(deps, 'gitea');
    while ((await deps.jobs.get(job.uid))!.statusText !== 'Uploading backup') await new Promise((r) => setTimeout(r, 5));

    await cancelJob(deps, job.uid, 'stopped through the API');
    const done = await settled(deps, job.uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'Job cancelled: stopped through the API' });
    expect(await deps.read('/var/lib/postgresql-dumps/gitea/gitea.dump')).toBeUndefined();
    expect(deps.backupState.snapshots).toEqual([]);
  });
});

describe('a backup cut short by the API stopping', () => {
  it('has recorded, while uploading, what the next start tells about it', async () => {
    await deps.put('/var/lib/nextcloud/a', 'a');
    let checkpoint: string | undefined;
    deps.restic.gate = async (method) => {
      if (method === 'backup') checkpoint = deps.jobs.checkpoints.get([...deps.jobs.rows.keys()][0]!)?.interrupted;
    };

    await settled(deps, (await startBackup(deps, 'nextcloud')).uid);

    expect(checkpoint).toBe('The API stopped while backing up Nextcloud: no snapshot was made and the repository stays usable; back it up again.');
  });

  it('names the snapshot once it is written', async () => {
    await deps.put('/var/lib/nextcloud/a', 'a');
    let checkpoint: string | undefined;
    deps.restic.gate = async (method) => {
      if (method === 'listSnapshots') checkpoint = deps.jobs.checkpoints.get([...deps.jobs.rows.keys()][0]!)?.interrupted;
    };

    await settled(deps, (await startBackup(deps, 'nextcloud')).uid);

    expect(checkpoint).toBe(`The API stopped just after backing up Nextcloud: snapshot ${deps.backupState.snapshots[0]!.id} was made.`);
  });
});

describe('backups with databases and of the API', () => {
  it('dumps each database into the dumps folder, backs it up with the data, then removes it', async () => {
    giteaWithDatabase();
    await deps.put('/var/lib/gitea/repo', 'r');
    const dumpsSeen: (string | undefined)[] = [];
    deps.host.dumpDatabase = async (db, file) => {
      deps.host.calls.push(`dumpDatabase ${db} ${file}`);
      await deps.put(file, `dump of ${db}`);
    };
    deps.restic.gate = async (method) => void (method === 'backup' && dumpsSeen.push(await deps.read('/var/lib/postgresql-dumps/gitea/gitea.dump')));
    const updates = recordUpdates();

    const job = await settled(deps, (await startBackup(deps, 'gitea')).uid);

    expect(job.status).toBe('FINISHED');
    expect(deps.host.calls).toContain('dumpDatabase gitea /var/lib/postgresql-dumps/gitea/gitea.dump');
    expect(updates.map((u) => u.statusText).filter(Boolean)).toEqual(['Creating a dump of database gitea', 'Uploading backup']);
    expect(dumpsSeen).toEqual(['dump of gitea']);
    expect(deps.restic.calls[0]).toBe(`backup gitea EXPLICIT ${deps.host.filesPath('/var/lib/gitea')} ${deps.host.filesPath('/var/lib/postgresql-dumps/gitea')}`);
    expect(await deps.read('/var/lib/postgresql-dumps/gitea/gitea.dump')).toBeUndefined();
  });

  it('a failed dump fails the backup with its reason and removes the dumps folder', async () => {
    giteaWithDatabase();
    deps.host.failing.add('dumpDatabase');

    const job = await settled(deps, (await startBackup(deps, 'gitea')).uid);

    expect(job).toMatchObject({ status: 'ERROR', error: 'dumpDatabase failed' });
    expect(deps.restic.calls).toEqual([]);
    expect(await deps.backupFiles.exists(deps.host.filesPath('/var/lib/postgresql-dumps/gitea'))).toBe(false);
  });

  it('the API stashes userdata, secrets and the DKIM keys, backs the stash up, then removes it', async () => {
    await deps.put('/var/dkim/example.org.selector.key', 'dkim private key');
    let stash: Record<string, string | undefined> = {};
    deps.restic.gate = async (method) => {
      if (method !== 'backup') return;
      stash = {
        userData: await deps.read('/etc/selfprivacy/dump/userdata.json'),
        secrets: await deps.read('/etc/selfprivacy/dump/secrets.json'),
        dkim: await deps.read('/etc/selfprivacy/dump/dkim/example.org.selector.key'),
      };
    };
    const updates = recordUpdates();

    const job = await settled(deps, (await startBackup(deps, 'selfprivacy-api')).uid);

    expect(job).toMatchObject({ status: 'FINISHED', name: 'Backup Selfprivacy API' });
    expect(updates.map((u) => u.statusText).filter(Boolean)).toEqual(['Stashing settings', 'Uploading backup']);
    expect(JSON.parse(stash.userData!)).toEqual(deps.userData.document);
    expect(JSON.parse(stash.secrets!)).toEqual(deps.secrets.document);
    expect(stash.dkim).toBe('dkim private key');
    expect(deps.restic.calls[0]).toBe(`backup selfprivacy-api EXPLICIT ${deps.host.filesPath('/etc/selfprivacy/dump')}`);
    expect(await deps.backupFiles.exists(deps.host.filesPath('/etc/selfprivacy/dump'))).toBe(false);
  });
});

describe('runServiceBackup', () => {
  it('runs the backup job inline with the reason and answers the snapshot id', async () => {
    await deps.put('/var/vmail/alice/mail', 'hello');
    const mail = await requireService(deps, 'simple-nixos-mailserver', 'missing');

    const id = await runServiceBackup(deps, mail, 'AUTO');

    expect(deps.restic.calls[0]).toBe(`backup simple-nixos-mailserver AUTO ${deps.host.filesPath('/var/vmail')} ${deps.host.filesPath('/var/sieve')}`);
    expect(deps.backupState.snapshots).toMatchObject([{ id, serviceId: 'simple-nixos-mailserver', reason: 'AUTO' }]);
    expect([...deps.jobs.rows.values()]).toMatchObject([{ typeId: 'services.simple-nixos-mailserver.backup', status: 'FINISHED' }]);
  });

  it('automatic and pre-restore backup jobs stay listed an hour after finishing, explicit ones ten days', async () => {
    await deps.put('/var/vmail/alice/mail', 'hello');
    const mail = await requireService(deps, 'simple-nixos-mailserver', 'missing');
    const lifetimes: number[] = [];
    const update = deps.jobs.update.bind(deps.jobs);
    deps.jobs.update = async (uid, patch, expiresAt?: Date | null) => {
      if (expiresAt) lifetimes.push(expiresAt.getTime() - deps.clock.now().getTime());
      return update(uid, patch);
    };

    await runServiceBackup(deps, mail, 'AUTO');
    await runServiceBackup(deps, mail, 'PRE_RESTORE');
    await runServiceBackup(deps, mail, 'EXPLICIT');

    expect(lifetimes).toEqual([3_600_000, 3_600_000, 864_000_000]);
  });

  it('marks the job ERROR and throws restic error', async () => {
    await deps.put('/var/vmail/alice/mail', 'hello');
    deps.restic.fail('backup', 'restic backup failed: disk full');
    const mail = await requireService(deps, 'simple-nixos-mailserver', 'missing');

    await expect(runServiceBackup(deps, mail, 'EXPLICIT')).rejects.toThrow('restic backup failed: disk full');
    expect([...deps.jobs.rows.values()]).toMatchObject([{ status: 'ERROR', error: 'restic backup failed: disk full' }]);
  });
});

function testRepo() {
  return { provider: 'FILE' as const, location: '/backups', login: '', providerKey: '', encryptionKey: deps.backupState.key! };
}
