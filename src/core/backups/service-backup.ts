import { CoreError } from '../errors.js';
import { type ReportProgress, type RunningJob, runJobBody } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import { createJob, listJobs, removeJob } from '../jobs/jobs.js';
import type { Deps } from '../ports.js';
import { loadServiceDefinitions } from '../services/service-registry.js';
import type { ServiceDefinition } from '../services/service-types.js';
import { repositoryOf } from './backup-configuration.js';
import { failureText } from './backup-errors.js';
import { foldersToBackUp, prepareBackup, removeBackupLeftovers } from './backup-folders.js';
import { BACKUP_JOBS, BACKUP_MESSAGES, BACKUP_STEPS } from './backup-messages.js';
import type { BackupReason } from './backup-types.js';
import { pruneAutoSnapshots } from './quota-pruning.js';
import { createServiceJob } from './service-jobs.js';
import { reloadSnapshots } from './snapshots.js';
import { UploadProgress } from './upload-progress.js';

export type BackupJobDeps = Pick<
  Deps,
  'backupState' | 'restic' | 'backupFiles' | 'host' | 'userData' | 'secrets' | 'serviceDefinitions' | 'logger' | 'clock' | 'jobs' | 'pubsub' | 'instanceId' | 'background'
>;

const ROUTINE_JOB_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Starts the backup job of one service (§10.3); BACKUP_UNKNOWN_SERVICE for an unknown id, BACKUP_BUSY while
 * another job (a move, a backup, a restore) works on the service.
 */
export async function startBackup(deps: BackupJobDeps, serviceId: string): Promise<Job> {
  const service = (await loadServiceDefinitions(deps)).find((s) => s.id === serviceId);
  if (!service) throw new CoreError('BACKUP_UNKNOWN_SERVICE', BACKUP_MESSAGES.nonexistentService(serviceId));
  const job = await createBackupJob(deps, service, 'EXPLICIT');
  deps.background.run(
    `job ${job.typeId} ${job.uid}`,
    // the failure is on the job already
    (signal) => backUpOnJob(deps, job, service, 'EXPLICIT', signal).then(() => undefined, () => undefined),
    job.uid,
  );
  return job;
}

/**
 * Backs the service up with this reason on a new `services.<id>.backup` job, in the caller's flow: answers the
 * snapshot id, or marks the job ERROR and throws. A PRE_RESTORE backup runs inside the restore job, which holds
 * the service already.
 */
export async function runServiceBackup(deps: BackupJobDeps, service: ServiceDefinition, reason: BackupReason, signal?: AbortSignal): Promise<string> {
  const job = await createBackupJob(deps, service, reason);
  return backUpOnJob(deps, job, service, reason, signal ?? new AbortController().signal);
}

function createBackupJob(deps: BackupJobDeps, service: ServiceDefinition, reason: BackupReason): Promise<Job> {
  const spec = BACKUP_JOBS.backup(service.id, service.displayName);
  if (reason === 'PRE_RESTORE') return createJob(deps, spec);
  return createServiceJob(deps, service.id, spec, (typeId) => BACKUP_MESSAGES.backupBusy(service.id, typeId));
}

async function backUpOnJob(deps: BackupJobDeps, job: Job, service: ServiceDefinition, reason: BackupReason, signal: AbortSignal): Promise<string> {
  const snapshotId = await runJobBody(deps, job, signal, {
    run: (report, running) => backUp(deps, service, reason, report, running),
    outcome: () => ({ result: BACKUP_STEPS.backupFinished }),
    // §10.3: the error is the failure's own text (restic's, or ours)
    failed: (err) => ({ error: failureText(err) }),
    // automatic and pre-restore backups are routine: their jobs leave the list after an hour (§7.2)
    lifetimeMs: reason === 'AUTO' || reason === 'PRE_RESTORE' ? ROUTINE_JOB_LIFETIME_MS : undefined,
  });
  if (reason !== 'PRE_RESTORE') await removeFailedBackupJobs(deps, job);
  return snapshotId;
}

async function backUp(deps: BackupJobDeps, service: ServiceDefinition, reason: BackupReason, report: ReportProgress, job: RunningJob): Promise<string> {
  await report({ progress: 0 });
  if (!service.canBeBackedUp) throw new Error(BACKUP_STEPS.notBackuppable);
  const repo = await repositoryOf(deps);
  try {
    await prepareBackup(deps, service, report, job.signal);
    await report({ statusText: BACKUP_STEPS.uploading, progress: 0 });
    await job.checkpoint({ interrupted: BACKUP_STEPS.interruptedUpload(service.displayName), details: { service: service.id, step: 'uploading' } });
    const progress = new UploadProgress(report, job.log);
    const paths = foldersToBackUp(service).map((folder) => deps.host.filesPath(folder));
    const snapshotId = await deps.restic
      .backup(repo, paths, { serviceId: service.id, reason }, { signal: job.signal, onProgress: (p) => progress.update(p) })
      .finally(() => progress.settled());
    job.log(`Snapshot ${snapshotId} written`);
    await job.checkpoint({
      interrupted: BACKUP_STEPS.interruptedAfterUpload(service.displayName, snapshotId),
      details: { service: service.id, step: 'uploaded', snapshot: snapshotId },
    });
    await deps.backupState.setLastBackedUp(service.id, snapshotId, deps.clock.now());
    await reloadSnapshots(deps).catch((err: unknown) => {
      // the snapshot is safe in the repository; the next reload (or a look-up that misses) lists it
      deps.logger.warn('snapshot list not reloaded after a backup', { service: service.id, error: failureText(err) });
      job.log(`The snapshot list could not be reloaded: ${failureText(err)}`);
    });
    if (reason === 'AUTO') await pruneAutoSnapshots(deps, service.id); // §10.3 step 6: trimmed to the quotas
    return snapshotId;
  } finally {
    await removeBackupLeftovers(deps, service);
  }
}

// A success makes the service's earlier failures history: they are removed from the job list (§10.3 step 7).
async function removeFailedBackupJobs(deps: BackupJobDeps, done: Job): Promise<void> {
  for (const job of await listJobs(deps)) {
    if (job.typeId !== done.typeId || job.status !== 'ERROR' || job.uid === done.uid) continue;
    await removeJob(deps, job.uid).catch(() => undefined); // removed meanwhile
  }
}
