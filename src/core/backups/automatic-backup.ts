import { JobFailure, startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import type { ServiceDefinition } from '../services/service-types.js';
import { type BackupJobDeps, runServiceBackup } from './service-backup.js';

/** One automatic backup at a time, across every API process sharing the database. */
export const AUTOBACKUP_RESOURCE = 'backups:autobackup';

export const AUTOBACKUP_JOB = {
  typeId: 'backups.autobackup',
  name: 'Automatic backup',
  description: (services: readonly ServiceDefinition[]) => `Scheduled backup for services: ${services.map((s) => s.displayName).join(', ')}`,
} as const;

/**
 * Starts the `backups.autobackup` job: each service backed up in turn with reason AUTO, progress up by
 * 100 // count after each; the first failure ends it in ERROR `<ErrorName>: <message>` (§10.4, §10.6).
 */
export async function startAutomaticBackup(deps: BackupJobDeps, services: readonly ServiceDefinition[]): Promise<Job> {
  const spec = { typeId: AUTOBACKUP_JOB.typeId, name: AUTOBACKUP_JOB.name, description: AUTOBACKUP_JOB.description(services), resource: AUTOBACKUP_RESOURCE };
  return startJob(deps, spec, async (report, job) => {
    const step = Math.floor(100 / services.length);
    let progress = 0;
    await report({ progress });
    for (const service of services) {
      job.signal.throwIfAborted();
      try {
        const snapshotId = await runServiceBackup(deps, service, 'AUTO', job.signal);
        job.log(`${service.displayName}: snapshot ${snapshotId}`);
      } catch (err) {
        throw new JobFailure(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
      progress += step;
      await report({ progress });
    }
  });
}
