import { CoreError } from '../errors.js';
import { recordProgress } from '../jobs/job-records.js';
import { type ReportProgress, type RunningJob, runJobBody } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { loadServiceDefinitions } from '../services/service-registry.js';
import type { ServiceDefinition } from '../services/service-types.js';
import { repositoryOf } from './backup-configuration.js';
import { failureText } from './backup-errors.js';
import { dumpsFolder, foldersToBackUp, removeBackupLeftovers } from './backup-folders.js';
import { BACKUP_JOBS, BACKUP_MESSAGES, RESTORE_STEPS } from './backup-messages.js';
import type { CachedSnapshot } from './backup-ports.js';
import type { ResticRepository } from './backup-types.js';
import {
  checkFoldersInPlace, checkSpace, restoreDatabases, restoreInPlace, restoreSettings, restoreThroughSideFolder, startUnits, stopUnits,
} from './restore-steps.js';
import { type BackupJobDeps, runServiceBackup } from './service-backup.js';
import { createServiceJob } from './service-jobs.js';
import { findSnapshot } from './snapshots.js';

export type RestoreStrategy = 'DOWNLOAD_VERIFY_OVERWRITE' | 'INPLACE';
export type RestoreDeps = BackupJobDeps & Pick<Deps, 'serviceMonitor'>;

/**
 * Starts the restore job of a snapshot (§10.5). SNAPSHOT_NOT_FOUND (after one reload), SNAPSHOT_SERVICE_NOT_FOUND
 * when its service is gone, BACKUP_BUSY while another job works on the service.
 */
export async function restoreBackup(deps: RestoreDeps, snapshotId: string, strategy: RestoreStrategy): Promise<Job> {
  const snapshot = await findSnapshot(deps, snapshotId);
  const service = await serviceOf(deps, snapshot);
  const job = await createRestoreJob(deps, service, snapshot);
  deps.background.run(
    `job ${job.typeId} ${job.uid}`,
    // the failure is on the job already
    (signal) => restoreOnJob(deps, job, service, snapshot, strategy, signal).catch(() => undefined),
    job.uid,
  );
  return job;
}

/** Restores the snapshot on a new restore job in the caller's flow (restoreAll); throws after marking the job ERROR. */
export async function runServiceRestore(deps: RestoreDeps, snapshot: CachedSnapshot, strategy: RestoreStrategy, signal?: AbortSignal): Promise<void> {
  const service = await serviceOf(deps, snapshot);
  const job = await createRestoreJob(deps, service, snapshot);
  await restoreOnJob(deps, job, service, snapshot, strategy, signal ?? new AbortController().signal);
}

async function serviceOf(deps: RestoreDeps, snapshot: CachedSnapshot): Promise<ServiceDefinition> {
  const service = (await loadServiceDefinitions(deps)).find((s) => s.id === snapshot.serviceId);
  if (!service) throw new CoreError('SNAPSHOT_SERVICE_NOT_FOUND', BACKUP_MESSAGES.nonexistentService(snapshot.serviceId));
  return service;
}

function createRestoreJob(deps: RestoreDeps, service: ServiceDefinition, snapshot: CachedSnapshot): Promise<Job> {
  return createServiceJob(deps, service.id, BACKUP_JOBS.restore(service.id, service.displayName, snapshot.id), (typeId) =>
    BACKUP_MESSAGES.restoreBusy(service.id, typeId),
  );
}

function restoreOnJob(deps: RestoreDeps, job: Job, service: ServiceDefinition, snapshot: CachedSnapshot, strategy: RestoreStrategy, signal: AbortSignal) {
  return runJobBody(deps, job, signal, {
    run: (report, running) => restore(deps, service, snapshot, strategy, report, running),
    outcome: () => ({ result: RESTORE_STEPS.restored }),
    // the reference put the text in statusText only; it goes in `error` too, so no reader misses it
    failed: (err) => ({ statusText: failureText(err), error: failureText(err) }),
  });
}

async function restore(
  deps: RestoreDeps, service: ServiceDefinition, snapshot: CachedSnapshot, strategy: RestoreStrategy, report: ReportProgress, job: RunningJob,
): Promise<void> {
  const { signal } = job;
  const repo = await repositoryOf(deps);
  const folders = foldersToBackUp(service);
  await checkSpace(deps, repo, snapshot.id, folders);
  if (strategy === 'INPLACE') checkFoldersInPlace(deps, snapshot, folders);
  await report({ progress: 0, statusText: RESTORE_STEPS.stoppingService });
  const stopped: string[] = [];
  let restored = false;
  try {
    await stopUnits(deps, service, stopped, signal);
    if (stopped.length > 0) job.log(`Stopped ${stopped.join(', ')}`);
    // from here on the data changes: a process that dies leaves the job saying so, and what stays stopped
    await job.checkpoint({
      interrupted: RESTORE_STEPS.interrupted(service.displayName, snapshot.id, stopped),
      details: { service: service.id, snapshot: snapshot.id, stopped: [...stopped] },
    });
    if (service.postgresDatabases.length > 0) await deps.backupFiles.emptyFolder(deps.host.filesPath(dumpsFolder(service.id)));
    if (strategy === 'INPLACE') await restoreOverTheData(deps, service, snapshot, repo, folders, report, job);
    else {
      await report({ statusText: RESTORE_STEPS.restoringFrom(snapshot.id) });
      await restoreThroughSideFolder(deps, repo, snapshot, folders, service.id, signal);
    }
    await restoreDatabases(deps, service, report, signal);
    if (service.kind === 'api') await restoreSettings(deps, await loadServiceDefinitions(deps));
    restored = true;
  } finally {
    await removeBackupLeftovers(deps, service);
    // whatever happened, the service runs again as it did before (§10.5 step 7)
    await report({ progress: 90, statusText: RESTORE_STEPS.restarting });
    await startUnits(deps, service, stopped, restored);
  }
}

// INPLACE: a PRE_RESTORE snapshot first, so a failed restore over the data can put the data back as it was.
async function restoreOverTheData(
  deps: RestoreDeps, service: ServiceDefinition, snapshot: CachedSnapshot, repo: ResticRepository, folders: readonly string[],
  report: ReportProgress, job: RunningJob,
): Promise<void> {
  await recordProgress(deps, job.uid, { status: 'CREATED', statusText: RESTORE_STEPS.waitingForPreRestoreBackup });
  job.log(RESTORE_STEPS.waitingForPreRestoreBackup);
  const preRestoreId = await runServiceBackup(deps, service, 'PRE_RESTORE', job.signal);
  await report({ statusText: RESTORE_STEPS.restoringFrom(snapshot.id) });
  try {
    await restoreInPlace(deps, repo, snapshot.id, folders, job.signal);
  } catch (err) {
    const error = failureText(err);
    await report({ statusText: RESTORE_STEPS.reverting(error, preRestoreId) });
    // reverting must not be cut short by the stop that may have caused the failure
    await restoreInPlace(deps, repo, preRestoreId, folders).catch((revertErr: unknown) => {
      throw new Error(RESTORE_STEPS.revertFailed(error, preRestoreId, failureText(revertErr)));
    });
    throw new Error(RESTORE_STEPS.reverted(error, preRestoreId));
  }
}
