import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, logOf, settled, testRepository } from '../../../test/fakes/backup-deps.js';
import type { Job } from '../jobs/job-types.js';
import type { Logger } from '../ports.js';
import { type AutobackupScheduler, startAutobackupScheduler } from './autobackup-scheduler.js';
import { initializeRepository, setAutobackupPeriod } from './backup-configuration.js';

const MINUTE = 60_000;
const opened: { deps: BackupDeps; scheduler: AutobackupScheduler }[] = [];

afterEach(async () => {
  for (const { deps, scheduler } of opened.splice(0)) {
    await scheduler.stop();
    await deps.background.drain();
    await deps.close();
  }
});

/**
 * The sample server with a FILE repository and files in the folders of mail and Nextcloud (Forgejo and
 * Bitwarden switched off), this process leading unless told otherwise. The timer is far off: tests tick.
 */
async function schedulerTest(options: { period?: number | null; intervalMs?: number } = {}) {
  const base = await backupDeps();
  const leadership = { leader: true, holdsCalls: 0, released: 0, failNext: undefined as Error | undefined, hold: undefined as Promise<void> | undefined };
  const errors: string[] = [];
  const logger: Logger = { info: () => {}, warn: () => {}, error: (msg, fields) => void errors.push(`${msg}: ${String(fields?.error)}`) };
  const deps = {
    ...base,
    logger,
    schedulerLeadership: {
      async holds() {
        leadership.holdsCalls++;
        await leadership.hold;
        const failure = leadership.failNext;
        leadership.failNext = undefined;
        if (failure) throw failure;
        return leadership.leader;
      },
      async release() {
        leadership.released++;
      },
    },
  };
  await deps.userData.update((data) => {
    data.modules!.gitea!.enable = false;
    data.modules!.bitwarden!.enable = false;
  });
  await deps.put('/var/vmail/example.org/alice/cur/1', 'a letter');
  await deps.put('/var/sieve/alice.sieve', 'keep;');
  await deps.put('/var/lib/nextcloud/data/alice/files/notes.txt', 'notes');
  await initializeRepository(deps, TEST_REPOSITORY);
  if (options.period !== null) await setAutobackupPeriod(deps, options.period ?? 60);
  const scheduler = startAutobackupScheduler(deps, { intervalMs: options.intervalMs ?? 24 * 60 * MINUTE });
  opened.push({ deps, scheduler });
  return { deps, scheduler, leadership, errors };
}

const autobackupJobs = async (deps: BackupDeps): Promise<Job[]> => (await deps.jobs.list()).filter((j) => j.typeId === 'backups.autobackup');
const backupCalls = (deps: BackupDeps) => deps.restic.calls.filter((c) => c.startsWith('backup ')).map((c) => c.split(' ').slice(0, 3).join(' '));

/** Records the progress of every update of the automatic backup job. */
function recordProgress(deps: BackupDeps): number[] {
  const progress: number[] = [];
  const update = deps.jobs.update.bind(deps.jobs);
  deps.jobs.update = async (uid, patch) => {
    if (deps.jobs.rows.get(uid)?.typeId === 'backups.autobackup' && typeof patch.progress === 'number') progress.push(patch.progress);
    return update(uid, patch);
  };
  return progress;
}

describe('startAutobackupScheduler', () => {
  it('backs up every due service with reason AUTO in one `backups.autobackup` job, progress 100 // count after each', async () => {
    const { deps, scheduler } = await schedulerTest();
    const progress = recordProgress(deps);

    await scheduler.tick();
    const [started] = await autobackupJobs(deps);
    const job = await settled(deps, started!.uid);

    expect(started).toMatchObject({ name: 'Automatic backup', description: 'Scheduled backup for services: Mail Server, Selfprivacy API, Nextcloud' });
    expect(job).toMatchObject({ status: 'FINISHED', progress: 100, error: null });
    expect(progress).toEqual([0, 33, 66, 99, 100]);
    expect(backupCalls(deps)).toEqual(['backup simple-nixos-mailserver AUTO', 'backup selfprivacy-api AUTO', 'backup nextcloud AUTO']);
    const snapshots = deps.restic.snapshotsIn(testRepository(deps));
    expect(snapshots.map((s) => [s.serviceId, s.reason])).toEqual([
      ['simple-nixos-mailserver', 'AUTO'],
      ['selfprivacy-api', 'AUTO'],
      ['nextcloud', 'AUTO'],
    ]);
    expect((await deps.backupState.lastBackedUp('nextcloud'))?.snapshotId).toBe(snapshots[2]!.id);
    expect(logOf(deps, job.uid)).toContain(`Nextcloud: snapshot ${snapshots[2]!.id}`);
  });

  it('backs a service up again once the period has passed since its last backup, not before', async () => {
    const { deps, scheduler } = await schedulerTest({ period: 30 });
    await scheduler.tick();
    await deps.background.drain();

    deps.clock.advance(30 * MINUTE);
    await scheduler.tick();
    expect(await autobackupJobs(deps)).toHaveLength(1);

    deps.clock.advance(MINUTE);
    await scheduler.tick();
    await deps.background.drain();

    expect(await autobackupJobs(deps)).toHaveLength(2);
    expect(backupCalls(deps)).toHaveLength(6);
  });

  it('trims each service to its automatic-snapshot quotas after each automatic backup', async () => {
    const { deps, scheduler } = await schedulerTest({ period: 30 });
    await deps.backupState.updateSettings({ quotas: { last: 1, daily: 0, weekly: 0, monthly: 0, yearly: 0 } });
    for (let round = 0; round < 3; round++) {
      await scheduler.tick();
      await deps.background.drain();
      deps.clock.advance(31 * MINUTE);
    }

    expect(await autobackupJobs(deps)).toMatchObject([{ status: 'FINISHED' }, { status: 'FINISHED' }, { status: 'FINISHED' }]);
    expect(backupCalls(deps)).toHaveLength(9);
    const snapshots = deps.restic.snapshotsIn(testRepository(deps));
    expect(snapshots.map((s) => s.serviceId).sort()).toEqual(['nextcloud', 'selfprivacy-api', 'simple-nixos-mailserver']);
    expect(deps.restic.calls.filter((c) => c.startsWith('forget'))).toHaveLength(6);
  });

  it('does nothing while another process leads, and starts once this one does', async () => {
    const { deps, scheduler, leadership } = await schedulerTest();
    leadership.leader = false;

    await scheduler.tick();
    await deps.background.drain();

    expect(await autobackupJobs(deps)).toEqual([]);
    expect(backupCalls(deps)).toEqual([]);

    leadership.leader = true;
    await scheduler.tick();
    await deps.background.drain();

    expect(await autobackupJobs(deps)).toHaveLength(1);
  });

  it('does nothing while automatic backups are off', async () => {
    const { deps, scheduler } = await schedulerTest({ period: null });

    await scheduler.tick();
    await deps.background.drain();

    expect(await autobackupJobs(deps)).toEqual([]);
    expect(backupCalls(deps)).toEqual([]);
  });

  it('starts nothing more while an automatic backup runs across many ticks', async () => {
    const { deps, scheduler, errors } = await schedulerTest({ period: 1 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    deps.restic.gate = (method) => (method === 'backup' ? held : Promise.resolve());

    await scheduler.tick();
    for (let minute = 0; minute < 5; minute++) {
      deps.clock.advance(MINUTE);
      await scheduler.tick();
    }

    expect(await autobackupJobs(deps)).toHaveLength(1);
    expect(backupCalls(deps)).toEqual(['backup simple-nixos-mailserver AUTO']);
    expect(errors).toEqual([]);

    release();
    const [job] = await autobackupJobs(deps);
    expect(await settled(deps, job!.uid)).toMatchObject({ status: 'FINISHED' });
    expect(backupCalls(deps)).toHaveLength(3);
  });

  it('runs one check at a time: a tick while one is under way joins it', async () => {
    const { deps, scheduler, leadership } = await schedulerTest();
    let release!: () => void;
    leadership.hold = new Promise<void>((resolve) => (release = resolve));

    const first = scheduler.tick();
    const second = scheduler.tick();
    release();
    await Promise.all([first, second]);
    await deps.background.drain();

    expect(leadership.holdsCalls).toBe(1);
    expect(await autobackupJobs(deps)).toHaveLength(1);
  });

  it('ends the job in ERROR `<ErrorName>: <message>` at the first failed backup, and leaves that service alone for an hour', async () => {
    const { deps, scheduler } = await schedulerTest();
    deps.restic.fail('backup', 'Fatal: unable to save snapshot: disk full', 1);

    await scheduler.tick();
    const [first] = await autobackupJobs(deps);
    const failed = await settled(deps, first!.uid);

    expect(failed).toMatchObject({ status: 'ERROR', error: 'ResticError: Fatal: unable to save snapshot: disk full' });
    expect(backupCalls(deps)).toEqual(['backup simple-nixos-mailserver AUTO']);
    const mailJob = (await deps.jobs.list()).find((j) => j.typeId === 'services.simple-nixos-mailserver.backup');
    expect(mailJob).toMatchObject({ status: 'ERROR', error: 'Fatal: unable to save snapshot: disk full' });

    deps.clock.advance(MINUTE);
    await scheduler.tick();
    await deps.background.drain();

    const second = (await autobackupJobs(deps)).find((j) => j.uid !== first!.uid);
    expect(second).toMatchObject({ status: 'FINISHED', description: 'Scheduled backup for services: Selfprivacy API, Nextcloud' });

    deps.clock.advance(60 * MINUTE);
    await scheduler.tick();
    await deps.background.drain();

    expect(backupCalls(deps).at(-1)).toBe('backup simple-nixos-mailserver AUTO');
    expect((await autobackupJobs(deps)).at(-1)).toMatchObject({ status: 'FINISHED', description: 'Scheduled backup for services: Mail Server' });
  });

  it('logs a failed check and checks again at the next tick', async () => {
    const { deps, scheduler, leadership, errors } = await schedulerTest();
    leadership.failNext = new Error('connection to the database lost');

    await expect(scheduler.tick()).resolves.toBeUndefined();

    expect(errors).toEqual(['automatic backup check failed: Error: connection to the database lost']);
    expect(await autobackupJobs(deps)).toEqual([]);

    await scheduler.tick();
    await deps.background.drain();

    expect(await autobackupJobs(deps)).toHaveLength(1);
  });

  it('reloads the snapshot cache once in each UTC hour divisible by 12, when leading', async () => {
    const { deps, scheduler, leadership } = await schedulerTest({ period: null });
    const reloads = () => deps.restic.calls.filter((c) => c === 'snapshots').length;
    const at = async (iso: string) => {
      deps.clock.advance(new Date(iso).getTime() - deps.clock.now().getTime());
      await scheduler.tick();
      await deps.background.drain();
    };
    const before = reloads();

    await at('2026-05-01T12:00:00Z'); // the clock's start: a slot
    await at('2026-05-01T12:01:00Z');
    await at('2026-05-01T12:59:00Z');
    await at('2026-05-01T13:00:00Z');
    expect(reloads() - before).toBe(1);

    leadership.leader = false;
    await at('2026-05-02T00:00:00Z');
    expect(reloads() - before).toBe(1);

    leadership.leader = true;
    await at('2026-05-02T00:01:00Z');
    await at('2026-05-02T11:59:00Z');
    expect(reloads() - before).toBe(2);
  });

  it('logs a failed reload and still backs up', async () => {
    const { deps, scheduler, errors } = await schedulerTest();
    deps.restic.fail('listSnapshots', 'Fatal: unable to open repository', 1);

    await scheduler.tick();
    await deps.background.drain();

    expect(errors).toEqual(['snapshot cache reload failed: CoreError: Fatal: unable to open repository']);
    expect(await autobackupJobs(deps)).toMatchObject([{ status: 'FINISHED' }]);
  });

  it('ticks on its timer until stopped, and gives the leadership up when stopped', async () => {
    const { deps, scheduler, leadership } = await schedulerTest({ intervalMs: 5 });

    await vi.waitFor(async () => expect(await autobackupJobs(deps)).toHaveLength(1));
    await scheduler.stop();
    const calls = leadership.holdsCalls;
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(leadership.holdsCalls).toBe(calls);
    expect(leadership.released).toBe(1);
  });
});
