import { CoreError } from '../errors.js';
import type { Job } from '../jobs/job-types.js';
import { type NewJob, createJob } from '../jobs/jobs.js';
import type { Deps } from '../ports.js';

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
