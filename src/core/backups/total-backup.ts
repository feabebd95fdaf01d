import { startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import { BACKUP_JOBS } from './backup-messages.js';
import { type BackupJobDeps, runServiceBackup } from './service-backup.js';
import { enabledServices, ensureServicesIdle, namedFailure } from './service-jobs.js';

/** The resource the total backup and the total restore hold: one of them at a time. */
export const TOTAL_BACKUPS_RESOURCE = 'backups:total';

/**
 * Starts `backups.total_backup` (§10.4): each enabled service that can be backed up, in list order, with
 * reason EXPLICIT; the first failure ends it as ERROR `<ErrorName>: <message>`. BACKUP_BUSY while a job works
 * on one of them; RESOURCE_BUSY while another total backup or restore runs.
 */
export async function totalBackup(deps: BackupJobDeps): Promise<Job> {
  const enabled = await enabledServices(deps);
  await ensureServicesIdle(deps, enabled);
  // the reference tried the non-backuppable ones too and failed at the first (§10.4): they are skipped
  const services = enabled.filter((service) => service.canBeBackedUp);
  return startJob(deps, { ...BACKUP_JOBS.totalBackup, resource: TOTAL_BACKUPS_RESOURCE }, async (report, job) => {
    await report({ progress: 0 });
    const step = Math.floor(100 / Math.max(1, services.length));
    let progress = 0;
    for (const service of services) {
      job.signal.throwIfAborted();
      job.log(`Backing up ${service.displayName}`);
      await runServiceBackup(deps, service, 'EXPLICIT', job.signal).catch((err: unknown) => {
        throw job.signal.aborted ? err : namedFailure(err);
      });
      progress += step;
      await report({ progress });
    }
  });
}
