import { CoreError } from '../errors.js';
import type { Job } from '../jobs/job-types.js';
import { type NewJob, createJob } from '../jobs/jobs.js';
import { JobFailure } from '../jobs/job-runner.js';
import type { Deps } from '../ports.js';
import { isServiceEnabled } from '../services/service-fields.js';
import { loadServiceDefinitions } from '../services/service-registry.js';
import type { ServiceDefinition } from '../services/service-types.js';
import { BACKUP_MESSAGES } from './backup-messages.js';

type ServiceJobDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId'>;

/** The resource a backup, restore or move of the service holds, so they exclude each other. */
export const serviceResource = (serviceId: string) => `service:${serviceId}`;

/**
 * Creates a job holding the service; BACKUP_BUSY with `busyMessage(<holder's typeId>)` when another job
 * (a move, a backup, a restore) holds it already.
 */
export async function createServiceJob(
  deps: ServiceJobDeps,
  serviceId: string,
  spec: Omit<NewJob, 'resource'>,
  busyMessage: (typeId: string) => string,
): Promise<Job> {
  try {
    return await createJob(deps, { ...spec, resource: serviceResource(serviceId) });
  } catch (err) {
    if (!(err instanceof CoreError && err.code === 'RESOURCE_BUSY')) throw err;
    const holder = await deps.jobs.findHolder(serviceResource(serviceId));
    throw new CoreError('BACKUP_BUSY', busyMessage(holder?.typeId ?? 'unknown'), { cause: err });
  }
}

/**
 * BACKUP_BUSY `Cannot start a restore of <id>, another operation is running: <typeId>` when a job works on
 * one of the services (the API excepted: its own jobs never hold it); the check of totalBackup and restoreAll.
 */
export async function ensureServicesIdle(deps: Pick<Deps, 'jobs'>, services: readonly ServiceDefinition[]): Promise<void> {
  for (const service of services) {
    if (service.kind === 'api') continue;
    const holder = await deps.jobs.findHolder(serviceResource(service.id));
    if (holder) throw new CoreError('BACKUP_BUSY', BACKUP_MESSAGES.restoreBusy(service.id, holder.typeId));
  }
}

/** The services switched on, in list order. */
export async function enabledServices(deps: Pick<Deps, 'serviceDefinitions' | 'logger' | 'userData'>): Promise<ServiceDefinition[]> {
  const [services, userData] = await Promise.all([loadServiceDefinitions(deps), deps.userData.read()]);
  return services.filter((service) => isServiceEnabled(service, userData));
}

/** A failure of a total job: `<ErrorName>: <message>` (§10.4, §10.7). */
export function namedFailure(err: unknown): JobFailure {
  return new JobFailure(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
}
