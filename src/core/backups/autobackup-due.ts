import { listJobs } from '../jobs/jobs.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { isServiceEnabled } from '../services/service-fields.js';
import { loadServiceDefinitions } from '../services/service-registry.js';
import type { ServiceDefinition } from '../services/service-types.js';

// After a failed backup of a service, automatic backups leave it alone this long (the reference's job expiry).
const FAILED_BACKUP_PAUSE_MS = 60 * 60 * 1000;

export type DueDeps = Pick<Deps, 'backupState' | 'serviceDefinitions' | 'logger' | 'userData' | 'jobs' | 'clock'>;

/**
 * The services an automatic backup takes now (§10.6): automatic backups on, the service enabled and
 * backuppable, no failed backup of it started within the hour, and never backed up or the period passed since.
 */
export async function servicesDueForBackup(deps: DueDeps, now: Date): Promise<ServiceDefinition[]> {
  const period = (await deps.backupState.readSettings()).autobackupPeriodMinutes;
  if (period === null) return [];
  const [services, userData, jobs] = await Promise.all([loadServiceDefinitions(deps), deps.userData.read(), listJobs(deps)]);
  const due: ServiceDefinition[] = [];
  for (const service of services) {
    if (!service.canBeBackedUp || !isServiceEnabled(service, userData)) continue;
    if (failedRecently(jobs, service.id, now) || busy(jobs, service.id)) continue;
    const last = await deps.backupState.lastBackedUp(service.id);
    if (!last || now.getTime() > last.at.getTime() + period * 60_000) due.push(service);
  }
  return due;
}

function failedRecently(jobs: readonly Job[], serviceId: string, now: Date): boolean {
  return jobs.some(
    (job) =>
      job.typeId === `services.${serviceId}.backup` && job.status === 'ERROR' && now.getTime() < job.createdAt.getTime() + FAILED_BACKUP_PAUSE_MS,
  );
}

// Not in the reference: a service another job works on (a move, a restore, a backup) waits for a later
// tick, rather than failing this backup every minute until that job ends.
function busy(jobs: readonly Job[], serviceId: string): boolean {
  return jobs.some((job) => job.resource === `service:${serviceId}` && (job.status === 'CREATED' || job.status === 'RUNNING'));
}
