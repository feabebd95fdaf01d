import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { Job } from './job-types.js';
import { JOB_MESSAGES, getJob } from './jobs.js';

/** The reason a job's signal aborts with: a cancel request, or the API shutting down. */
export class JobCancelled extends Error {
  override name = 'JobCancelled';
  constructor(
    readonly reason: string,
    /** Shutdown leaves the job for the next start to settle from its checkpoint; nothing is undone. */
    readonly atShutdown = false,
  ) {
    super(reason);
  }
}

export function shutdownCancellation(): JobCancelled {
  return new JobCancelled('the API is shutting down', true);
}

/** Whether a job body stops because the API shuts down (then it records, rather than undoes, its state). */
export function stoppingForShutdown(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof JobCancelled && signal.reason.atShutdown;
}

/**
 * Asks an unfinished job to stop: its body's signal aborts (in this process, or through pub/sub in the
 * process running it) and the job ends as ERROR `Job cancelled: <reason>` once the body has stopped.
 */
export async function cancelJob(
  deps: Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'background'>,
  uid: string,
  reason: string,
): Promise<Job> {
  const job = await getJob(deps, uid);
  if (!job) throw new CoreError('JOB_NOT_FOUND', JOB_MESSAGES.notFound);
  if (job.status === 'FINISHED' || job.status === 'ERROR') throw new CoreError('JOB_NOT_RUNNING', JOB_MESSAGES.notRunning);
  if (!deps.background.cancel(uid, new JobCancelled(reason))) await deps.pubsub.publish('jobCancellations', { uid, reason });
  return job;
}

/** Whether a job ended because it was cancelled (by a stop request, not by a failure of its own). */
export function wasCancelled(job: Pick<Job, 'status' | 'error'>): boolean {
  return job.status === 'ERROR' && (job.error?.startsWith(JOB_MESSAGES.cancelled('')) ?? false);
}

/** Cancels the jobs this process runs when another process asks; runs until the pub/sub closes. */
export async function relayJobCancellations(deps: Pick<Deps, 'pubsub' | 'background'>): Promise<void> {
  for await (const { uid, reason } of deps.pubsub.subscribe('jobCancellations')) {
    deps.background.cancel(uid, new JobCancelled(reason));
  }
}
