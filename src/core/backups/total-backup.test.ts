import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, settled } from '../../../test/fakes/backup-deps.js';
import { cancelJob } from '../jobs/job-cancellation.js';
import { createJob } from '../jobs/jobs.js';
import { initializeRepository } from './backup-configuration.js';
import { totalBackup } from './total-backup.js';

let deps: BackupDeps;
beforeEach(async () => {
  deps = await backupDeps();
  await initializeRepository(deps, TEST_REPOSITORY);
  deps.restic.calls.length = 0;
  for (const folder of ['/var/vmail', '/var/lib/nextcloud', '/var/lib/gitea', '/var/lib/bitwarden_rs']) await deps.put(`${folder}/file`, folder);
});
afterEach(() => deps.close());

function progressOf(uid: string): number[] {
  const seen: number[] = [];
  const update = deps.jobs.update.bind(deps.jobs);
  deps.jobs.update = async (id, patch) => {
    if (id === uid && typeof patch.progress === 'number') seen.push(patch.progress);
    return update(id, patch);
  };
  return seen;
}

describe('totalBackup', () => {
  it('backs up every enabled service that can be backed up, in list order, skipping the others', async () => {
    const job = await totalBackup(deps);
    const done = await settled(deps, job.uid);

    expect(job).toMatchObject({ typeId: 'backups.total_backup', name: 'Total backup', description: 'Backing up all the enabled services' });
    expect(done).toMatchObject({ status: 'FINISHED', progress: 100, error: null });
    expect(deps.restic.calls.filter((c) => c.startsWith('backup')).map((c) => c.split(' ').slice(1, 3).join(' '))).toEqual([
      'simple-nixos-mailserver EXPLICIT',
      'selfprivacy-api EXPLICIT',
      'nextcloud EXPLICIT',
      'gitea EXPLICIT',
      'bitwarden EXPLICIT',
    ]);
    const backups = [...deps.jobs.rows.values()].filter((j) => j.typeId.endsWith('.backup'));
    expect(backups.map((j) => j.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FINISHED']);
    expect(new Set(deps.backupState.snapshots.map((s) => s.serviceId)).size).toBe(5);
  });

  it('moves progress by 100 // count after each service', async () => {
    const create = deps.jobs.insert.bind(deps.jobs);
    let seen: number[] = [];
    deps.jobs.insert = async (job) => {
      if (job.typeId === 'backups.total_backup') seen = progressOf(job.uid);
      return create(job);
    };

    await settled(deps, (await totalBackup(deps)).uid);

    expect(seen).toEqual([0, 20, 40, 60, 80, 100, 100]);
  });

  it('stops at the first failure: ERROR `<ErrorName>: <message>`, later services not backed up', async () => {
    deps.restic.gate = async (method) => {
      if (method === 'backup' && deps.restic.calls.at(-1)!.startsWith('backup nextcloud')) throw new Error('restic backup failed: no space left on device');
    };

    const done = await settled(deps, (await totalBackup(deps)).uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'Error: restic backup failed: no space left on device' });
    expect(deps.restic.calls.filter((c) => c.startsWith('backup')).length).toBe(3);
    expect([...deps.jobs.rows.values()].find((j) => j.typeId === 'services.nextcloud.backup')).toMatchObject({
      status: 'ERROR', error: 'restic backup failed: no space left on device',
    });
  });

  it('a stop ends the total and the service backup it was running, both as cancelled, and backs up nothing more', async () => {
    deps.restic.gate = (method, signal) =>
      method === 'backup' ? new Promise((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason), { once: true })) : Promise.resolve();
    const job = await totalBackup(deps);
    while (!deps.restic.calls.some((c) => c.startsWith('backup'))) await new Promise((r) => setTimeout(r, 5));

    await cancelJob(deps, job.uid, 'stopped through the API');
    const done = await settled(deps, job.uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'Job cancelled: stopped through the API' });
    expect([...deps.jobs.rows.values()].filter((j) => j.typeId.endsWith('.backup')).map((j) => [j.typeId, j.status, j.error])).toEqual([
      ['services.simple-nixos-mailserver.backup', 'ERROR', 'Job cancelled: stopped through the API'],
    ]);
    expect(deps.restic.calls.filter((c) => c.startsWith('backup'))).toHaveLength(1);
  });

  it('refuses while a job works on an enabled service', async () => {
    await createJob(deps, { typeId: 'services.gitea.move', name: 'Move Forgejo', description: '', resource: 'service:gitea' });

    await expect(totalBackup(deps)).rejects.toMatchObject({
      code: 'BACKUP_BUSY', message: 'Cannot start a restore of gitea, another operation is running: services.gitea.move',
    });
  });

  it('refuses a second total backup while one runs', async () => {
    let release!: () => void;
    deps.restic.gate = () => new Promise<void>((resolve) => (release = resolve));
    const first = await totalBackup(deps);
    while (!release) await new Promise((r) => setTimeout(r, 5));

    // the first holds the mail server's backup job now
    await expect(totalBackup(deps)).rejects.toMatchObject({
      code: 'BACKUP_BUSY', message: 'Cannot start a restore of simple-nixos-mailserver, another operation is running: services.simple-nixos-mailserver.backup',
    });

    deps.restic.gate = undefined;
    release();
    expect((await settled(deps, first.uid)).status).toBe('FINISHED');
  });
});
