import { type ReportProgress, type RunningJob, JobFailure, startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { loadServiceDefinitions } from '../services/service-registry.js';
import { type BackupConfigurationView, backupConfiguration } from './backup-configuration.js';
import type { AutobackupQuotas } from './backup-ports.js';
import { pruneAutoSnapshots } from './quota-pruning.js';

export const TRIMMING_JOB = {
  typeId: 'backups.autobackup_trimming',
  name: 'Trimming autobackup snapshots',
  description: 'Pruning the excessive snapshots after the new autobackup quotas are set',
} as const;

type QuotasDeps = Pick<Deps, 'backupState' | 'restic' | 'logger' | 'serviceDefinitions' | 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'background'>;

/** Stores the quotas (anything at or below -1 becomes -1) and starts the job that prunes every service's AUTO snapshots by them. */
export async function setAutobackupQuotas(
  deps: QuotasDeps,
  quotas: AutobackupQuotas,
): Promise<{ configuration: BackupConfigurationView; job: Job }> {
  await deps.backupState.updateSettings({ quotas: normaliseQuotas(quotas) });
  const job = await startJob(deps, TRIMMING_JOB, (report, running) => pruneEveryService(deps, report, running));
  return { configuration: await backupConfiguration(deps), job };
}

export function normaliseQuotas(quotas: AutobackupQuotas): AutobackupQuotas {
  const unlimitedBelow = (quota: number) => Math.max(quota, -1);
  return {
    last: unlimitedBelow(quotas.last),
    daily: unlimitedBelow(quotas.daily),
    weekly: unlimitedBelow(quotas.weekly),
    monthly: unlimitedBelow(quotas.monthly),
    yearly: unlimitedBelow(quotas.yearly),
  };
}

async function pruneEveryService(deps: QuotasDeps, report: ReportProgress, job: RunningJob): Promise<void> {
  await report({});
  try {
    for (const service of await loadServiceDefinitions(deps)) {
      job.signal.throwIfAborted();
      const forgotten = await pruneAutoSnapshots(deps, service.id);
      if (forgotten.length > 0) job.log(`${service.displayName}: forgot ${forgotten.length} automatic snapshots (${forgotten.join(', ')})`);
    }
  } catch (err) {
    // the reference's text for this job: `<ErrorName>:<message>`, no space
    throw new JobFailure(err instanceof Error ? `${err.name}:${err.message}` : String(err));
  }
}
