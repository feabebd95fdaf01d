import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/fakes/fake-deps.js';
import { FakeRestic } from '../../../test/fakes/fake-restic.js';
import { InMemoryBackupState } from '../../../test/fakes/in-memory-backup-state.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { SimulatedServiceCatalogue } from '../../infra/services/simulated-service-catalogue.js';
import type { Job } from '../jobs/job-types.js';
import { setAutobackupQuotas } from './autobackup-quotas.js';
import type { AutobackupQuotas } from './backup-ports.js';
import type { BackupReason, ResticRepository } from './backup-types.js';
import { reloadSnapshots } from './snapshots.js';

const REPO: ResticRepository = { provider: 'MEMORY', location: '', login: '', providerKey: '', encryptionKey: 'repository key' };
const ZERO: AutobackupQuotas = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
const UNLIMITED: AutobackupQuotas = { last: -1, daily: -1, weekly: -1, monthly: -1, yearly: -1 };

/** A MEMORY repository, initialised, with an empty snapshot cache. */
function quotasDeps() {
  const ports = jobPorts();
  const backupState = new InMemoryBackupState();
  backupState.settings = { ...backupState.settings, provider: 'MEMORY', initialized: true };
  backupState.key = REPO.encryptionKey;
  const restic = new FakeRestic(() => ports.clock.now());
  restic.repositories.set('MEMORY:', { key: REPO.encryptionKey, snapshots: [] });
  return { ...ports, backupState, restic, logger: silentLogger, serviceDefinitions: new SimulatedServiceCatalogue() };
}
type Deps = ReturnType<typeof quotasDeps>;

/** Snapshots in the repository (and the cache), one a day back from 1 May 2026, newest first: their ids. */
async function seed(deps: Deps, serviceId: string, reasons: BackupReason[]): Promise<string[]> {
  const ids = reasons.map((reason, daysAgo) => deps.restic.addSnapshot(REPO, { serviceId, reason, time: new Date(2026, 4, 1 - daysAgo, 3), files: {} }).id);
  await reloadSnapshots(deps);
  return ids;
}

async function finished(deps: Deps, job: Job): Promise<Job> {
  await deps.background.drain();
  return (await deps.jobs.get(job.uid))!;
}

const remaining = (deps: Deps) => deps.restic.snapshotsIn(REPO).map((s) => s.id).sort();
const cached = (deps: Deps) => deps.backupState.snapshots.map((s) => s.id).sort();

describe('setAutobackupQuotas', () => {
  it('stores the quotas with anything below -1 as -1 (0 kept) and answers the configuration and the trimming job', async () => {
    const deps = quotasDeps();

    const { configuration, job } = await setAutobackupQuotas(deps, { last: 3, daily: 2343, weekly: 343, monthly: 0, yearly: -34556 });

    const stored = { last: 3, daily: 2343, weekly: 343, monthly: 0, yearly: -1 };
    expect(configuration).toMatchObject({ provider: 'MEMORY', isInitialized: true, autobackupQuotas: stored });
    expect(deps.backupState.settings.quotas).toEqual(stored);
    expect(job).toMatchObject({
      typeId: 'backups.autobackup_trimming',
      name: 'Trimming autobackup snapshots',
      description: 'Pruning the excessive snapshots after the new autobackup quotas are set',
      status: 'CREATED',
    });
    expect(await finished(deps, job)).toMatchObject({ status: 'FINISHED', progress: 100, error: null });
  });

  it('forgets, per service in one forget, the AUTO snapshots the quotas do not keep; EXPLICIT and PRE_RESTORE ones stay', async () => {
    const deps = quotasDeps();
    const nextcloud = await seed(deps, 'nextcloud', ['AUTO', 'EXPLICIT', 'AUTO', 'AUTO', 'PRE_RESTORE', 'AUTO']);
    const forgejo = await seed(deps, 'gitea', ['AUTO', 'AUTO']);
    const api = await seed(deps, 'selfprivacy-api', ['AUTO']);

    const { job } = await setAutobackupQuotas(deps, { ...ZERO, last: 1 });
    const done = await finished(deps, job);

    expect(done).toMatchObject({ status: 'FINISHED', progress: 100, error: null });
    expect(deps.restic.calls.filter((c) => c.startsWith('forget'))).toEqual([
      `forget ${nextcloud[5]} ${nextcloud[3]} ${nextcloud[2]}`,
      `forget ${forgejo[1]}`,
    ]);
    const kept = [nextcloud[0], nextcloud[1], nextcloud[4], forgejo[0], api[0]].sort();
    expect(remaining(deps)).toEqual(kept);
    expect(cached(deps)).toEqual(kept);
    expect((await deps.jobs.readLog(job.uid, 0, 10)).map((l) => l.message)).toContain(
      `Nextcloud: forgot 3 automatic snapshots (${nextcloud[5]}, ${nextcloud[3]}, ${nextcloud[2]})`,
    );
  });

  it('calls no forget when the quotas keep every snapshot', async () => {
    const deps = quotasDeps();
    await seed(deps, 'nextcloud', ['AUTO', 'AUTO', 'AUTO']);

    const { job } = await setAutobackupQuotas(deps, UNLIMITED);

    expect(await finished(deps, job)).toMatchObject({ status: 'FINISHED' });
    expect(deps.restic.calls.filter((c) => c.startsWith('forget'))).toEqual([]);
    expect(remaining(deps)).toHaveLength(3);
  });

  it('applies a smaller quota to the snapshots already there', async () => {
    const deps = quotasDeps();
    const ids = await seed(deps, 'nextcloud', ['AUTO', 'AUTO', 'AUTO']);
    await finished(deps, (await setAutobackupQuotas(deps, { ...ZERO, last: -1 })).job);
    expect(remaining(deps)).toHaveLength(3);

    await finished(deps, (await setAutobackupQuotas(deps, { ...ZERO, last: 1 })).job);

    expect(remaining(deps)).toEqual([ids[0]]);
    expect(cached(deps)).toEqual([ids[0]]);
  });

  it('with all quotas 0 forgets every AUTO snapshot', async () => {
    const deps = quotasDeps();
    const ids = await seed(deps, 'nextcloud', ['AUTO', 'EXPLICIT', 'AUTO']);

    await finished(deps, (await setAutobackupQuotas(deps, ZERO)).job);

    expect(remaining(deps)).toEqual([ids[1]]);
  });

  it('fails the job with `<ErrorName>:<message>` when restic cannot forget, the snapshots untouched', async () => {
    const deps = quotasDeps();
    await seed(deps, 'nextcloud', ['AUTO', 'AUTO']);
    deps.restic.fail('forget', 'Fatal: unable to open repository: connection refused');

    const { job } = await setAutobackupQuotas(deps, { ...ZERO, last: 1 });

    expect(await finished(deps, job)).toMatchObject({ status: 'ERROR', error: 'CoreError:Fatal: unable to open repository: connection refused' });
    expect(remaining(deps)).toHaveLength(2);
    expect(cached(deps)).toHaveLength(2);
  });

  it('finishes without calling restic when no repository is configured', async () => {
    const deps = quotasDeps();
    deps.backupState.settings = { ...deps.backupState.settings, provider: 'NONE', initialized: false };

    const { configuration, job } = await setAutobackupQuotas(deps, { ...ZERO, daily: 7 });

    expect(configuration).toMatchObject({ provider: 'NONE', isInitialized: false, autobackupQuotas: { ...ZERO, daily: 7 } });
    expect(await finished(deps, job)).toMatchObject({ status: 'FINISHED' });
    expect(deps.restic.calls).toEqual([]);
  });
});
