import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, settled, testRepository } from '../../../test/fakes/backup-deps.js';
import type { Job } from '../jobs/job-types.js';
import { createJob } from '../jobs/jobs.js';
import { REBUILD_UNIT } from '../system/rebuild.js';
import { initializeRepository, setAutobackupPeriod } from './backup-configuration.js';
import { lastSlice, restoreAll } from './restore-all.js';
import { startBackup } from './service-backup.js';
import { reloadSnapshots } from './snapshots.js';

let deps: BackupDeps;
beforeEach(async () => {
  deps = await backupDeps();
  await initializeRepository(deps, TEST_REPOSITORY);
});
afterEach(() => deps.close());

const at = (iso: string) => new Date(`2026-04-10T${iso}Z`);

async function seed(snapshots: [serviceId: string, time: Date][]): Promise<string[]> {
  const ids = snapshots.map(([serviceId, time]) => deps.restic.addSnapshot(testRepository(deps), { serviceId, time, files: { [`/seed/${serviceId}.txt`]: 'x' } }).id);
  await reloadSnapshots(deps);
  return ids;
}

/** The rebuild unit runs once started and is done once seen running. */
function rebuildSucceeds(): void {
  deps.host.units[REBUILD_UNIT] = 'inactive';
  const states = deps.host.unitStates.bind(deps.host);
  deps.host.unitStates = async (units) => {
    const answer = await states(units);
    if (deps.host.units[REBUILD_UNIT] === 'active') deps.host.units[REBUILD_UNIT] = 'inactive';
    return answer;
  };
}

describe('lastSlice', () => {
  it('is empty while no repository is initialised', async () => {
    await deps.backupState.forgetRepository();

    expect(await lastSlice(deps)).toEqual([]);
  });

  it('is empty without a snapshot of the API', async () => {
    await seed([['nextcloud', at('10:00:00')]]);

    expect(await lastSlice(deps)).toEqual([]);
  });

  it('takes each enabled service’s newest snapshot within a day of the newest API snapshot, the API last', async () => {
    const [, nextcloud, , bitwarden, api] = await seed([
      ['nextcloud', at('01:00:00')],
      ['nextcloud', at('11:00:00')],
      ['bitwarden', at('09:00:00')],
      ['bitwarden', at('12:30:00')],
      ['selfprivacy-api', at('12:00:00')],
      ['selfprivacy-api', at('08:00:00')],
      ['pleroma', at('12:00:00')], // not enabled
      ['gone', at('12:00:00')], // no such service
    ]);
    deps.restic.addSnapshot(testRepository(deps), { serviceId: 'gitea', time: new Date('2026-04-08T12:00:00Z'), files: { '/g': 'g' } });
    await reloadSnapshots(deps);

    expect((await lastSlice(deps)).map((s) => [s.serviceId, s.id])).toEqual([
      ['nextcloud', nextcloud],
      ['bitwarden', bitwarden],
      ['selfprivacy-api', api],
    ]);
  });

  it('uses the autobackup period as the window when one is set', async () => {
    const [, api] = await seed([['nextcloud', at('11:00:00')], ['selfprivacy-api', at('12:00:00')], ['bitwarden', at('11:45:00')]]);
    const bitwarden = deps.backupState.snapshots.find((s) => s.serviceId === 'bitwarden')!.id;
    await setAutobackupPeriod(deps, 30);

    expect((await lastSlice(deps)).map((s) => s.id)).toEqual([bitwarden, api]);
  });
});

describe('restoreAll', () => {
  it('restores the slice (the API last) with progress, then rebuilds on a system.nixos.rebuild job', async () => {
    rebuildSucceeds();
    await deps.put('/var/lib/nextcloud/a.txt', 'original');
    await settled(deps, (await startBackup(deps, 'nextcloud')).uid);
    await settled(deps, (await startBackup(deps, 'selfprivacy-api')).uid);
    await deps.put('/var/lib/nextcloud/a.txt', 'broken');
    await deps.userData.update((d) => void (d.timezone = 'UTC'));
    const updates: Partial<Job>[] = [];
    const update = deps.jobs.update.bind(deps.jobs);
    deps.jobs.update = async (uid, patch) => {
      if (deps.jobs.rows.get(uid)?.typeId === 'backups.total_restore') updates.push({ progress: patch.progress, statusText: patch.statusText });
      return update(uid, patch);
    };

    const job = await restoreAll(deps);
    const done = await settled(deps, job.uid);

    expect(job).toMatchObject({ typeId: 'backups.total_restore', name: 'Total restore', description: 'Restoring all enabled services' });
    expect(done).toMatchObject({ status: 'FINISHED', progress: 100, error: null });
    expect(await deps.read('/var/lib/nextcloud/a.txt')).toBe('original');
    expect(deps.userData.document.timezone).toBe('Europe/Berlin');
    expect(updates.map((u) => [u.progress, u.statusText])).toEqual([
      [0, 'Finding the last autobackup session'],
      [49, 'restoring nextcloud'],
      [98, 'restoring selfprivacy-api'],
      [99, 'rebuilding system'],
      [100, undefined],
    ]);
    const jobs = [...deps.jobs.rows.values()];
    expect(jobs.filter((j) => j.typeId.endsWith('.restore')).map((j) => [j.typeId, j.status])).toEqual([
      ['services.nextcloud.restore', 'FINISHED'],
      ['services.selfprivacy-api.restore', 'FINISHED'],
    ]);
    expect(jobs.find((j) => j.typeId === 'system.nixos.rebuild')).toMatchObject({ name: 'Rebuild system', status: 'FINISHED', result: 'System rebuilt.' });
    expect(deps.host.calls).toContain(`startUnit ${REBUILD_UNIT}`);
  });

  it('fails without a snapshot of the API, restoring nothing', async () => {
    await seed([['nextcloud', at('10:00:00')]]);

    const done = await settled(deps, (await restoreAll(deps)).uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'Cannot restore, no configuration snapshot found' });
    expect(deps.restic.calls.filter((c) => c.startsWith('restore'))).toEqual([]);
  });

  it('stops at the first failed restore with `<ErrorName>: <message>` and does not rebuild', async () => {
    await seed([['nextcloud', at('11:00:00')], ['selfprivacy-api', at('12:00:00')]]);

    const done = await settled(deps, (await restoreAll(deps)).uid);

    expect(done).toMatchObject({ status: 'ERROR', error: 'Error: The snapshot holds no /var/lib/nextcloud; nothing was overwritten' });
    expect([...deps.jobs.rows.values()].map((j) => j.typeId)).not.toContain('system.nixos.rebuild');
    expect(deps.host.units['phpfpm-nextcloud.service']).toBe('active');
  });

  it('a failed rebuild fails the total restore with the rebuild text', async () => {
    deps.host.units[REBUILD_UNIT] = 'inactive';
    deps.host.onUnitCommand = (verb, unit) => void (deps.host.units[unit] = unit === REBUILD_UNIT ? 'failed' : verb === 'stop' ? 'inactive' : 'active');
    await settled(deps, (await startBackup(deps, 'selfprivacy-api')).uid);

    const done = await settled(deps, (await restoreAll(deps)).uid);

    expect(done.status).toBe('ERROR');
    expect(done.error).toMatch(/^System rebuild (failed|timed out)/);
    expect([...deps.jobs.rows.values()].find((j) => j.typeId === 'system.nixos.rebuild')).toMatchObject({ status: 'ERROR' });
  });

  it('refuses while a job works on an enabled service', async () => {
    await createJob(deps, { typeId: 'services.bitwarden.backup', name: 'Backup Bitwarden', description: '', resource: 'service:bitwarden' });

    await expect(restoreAll(deps)).rejects.toMatchObject({
      code: 'BACKUP_BUSY', message: 'Cannot start a restore of bitwarden, another operation is running: services.bitwarden.backup',
    });
  });
});
