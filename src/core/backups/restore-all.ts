import { JobFailure, runJobBody, startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import { createJob } from '../jobs/jobs.js';
import { REBUILD_UNIT, followSystemRebuild } from '../system/rebuild.js';
import { SYSTEM_JOBS } from '../system/system-messages.js';
import { SELFPRIVACY_API } from '../services/builtin-services.js';
import type { ServiceDefinition } from '../services/service-types.js';
import { isRepositoryInitialized } from './backup-configuration.js';
import { failureText } from './backup-errors.js';
import { BACKUP_JOBS, RESTORE_ALL_STEPS } from './backup-messages.js';
import type { CachedSnapshot } from './backup-ports.js';
import { type RestoreDeps, runServiceRestore } from './service-restore.js';
import { enabledServices, ensureServicesIdle, namedFailure } from './service-jobs.js';
import { TOTAL_BACKUPS_RESOURCE } from './total-backup.js';

const DAY_MINUTES = 24 * 60;

/**
 * The snapshots a full restore uses (§10.7): the newest API snapshot, and the newest snapshot of each other
 * enabled service when taken within one autobackup period (a day when disabled) of it; the API's last.
 * [] when no repository is initialised or there is no API snapshot.
 */
export async function lastSlice(deps: RestoreDeps): Promise<CachedSnapshot[]> {
  if (!(await isRepositoryInitialized(deps))) return [];
  const [snapshots, settings, services] = await Promise.all([
    deps.backupState.listSnapshots(), deps.backupState.readSettings(), enabledServices(deps),
  ]);
  return sliceOf(snapshots, services, (settings.autobackupPeriodMinutes ?? DAY_MINUTES) * 60_000);
}

function sliceOf(snapshots: readonly CachedSnapshot[], services: readonly ServiceDefinition[], windowMs: number): CachedSnapshot[] {
  const newest = (serviceId: string) =>
    snapshots.filter((s) => s.serviceId === serviceId).reduce<CachedSnapshot | undefined>((a, b) => (a && a.createdAt >= b.createdAt ? a : b), undefined);
  const api = newest(SELFPRIVACY_API.id);
  if (!api) return [];
  const others = services
    .filter((service) => service.id !== SELFPRIVACY_API.id)
    .map((service) => newest(service.id))
    .filter((s): s is CachedSnapshot => s !== undefined && Math.abs(s.createdAt.getTime() - api.createdAt.getTime()) <= windowMs);
  return [...others, api];
}

/**
 * Starts `backups.total_restore` (§10.7): restores each snapshot of the last slice (the API's last), then
 * rebuilds the system on a `system.nixos.rebuild` job of its own. BACKUP_BUSY while a job works on an enabled
 * service; RESOURCE_BUSY while a total backup or restore runs.
 */
export async function restoreAll(deps: RestoreDeps): Promise<Job> {
  await ensureServicesIdle(deps, await enabledServices(deps));
  return startJob(deps, { ...BACKUP_JOBS.totalRestore, resource: TOTAL_BACKUPS_RESOURCE }, async (report, job) => {
    const { signal } = job;
    await report({ progress: 0, statusText: RESTORE_ALL_STEPS.finding });
    const slice = await lastSlice(deps);
    // the reference raised here and left the job RUNNING; it fails instead
    if (slice.length === 0) throw new JobFailure(RESTORE_ALL_STEPS.noConfigurationSnapshot);
    const step = Math.floor(99 / slice.length);
    let progress = 0;
    for (const snapshot of slice) {
      signal.throwIfAborted();
      job.log(`Restoring ${snapshot.serviceId} from ${snapshot.id}`);
      await runServiceRestore(deps, snapshot, 'DOWNLOAD_VERIFY_OVERWRITE', signal).catch((err: unknown) => {
        throw signal.aborted ? err : namedFailure(err);
      });
      progress += step;
      await report({ progress, statusText: RESTORE_ALL_STEPS.restored(snapshot.serviceId) });
    }
    await report({ progress: 99, statusText: RESTORE_ALL_STEPS.rebuilding });
    await rebuildSystem(deps, signal);
  });
}

// The restored settings take effect through a rebuild, followed on its own job as the system's rebuilds are.
async function rebuildSystem(deps: RestoreDeps, signal: AbortSignal): Promise<void> {
  const job = await createJob(deps, SYSTEM_JOBS.rebuild);
  await runJobBody(deps, job, signal, {
    run: (report) => followSystemRebuild(deps, report, REBUILD_UNIT, signal),
    outcome: (outcome) => outcome,
  }).catch((err: unknown) => {
    throw signal.aborted ? err : new JobFailure(failureText(err));
  });
}
