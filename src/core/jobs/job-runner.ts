import type { Deps } from '../ports.js';
import type { Job, JobUpdate } from './job-types.js';
import { type NewJob, createJob, updateJob } from './jobs.js';

export type ProgressReport = Omit<JobUpdate, 'status' | 'error' | 'result'>;
export type ReportProgress = (report: ProgressReport) => Promise<void>;
export interface JobOutcome {
  result?: string;
  statusText?: string;
}

/**
 * Thrown by a job body to fail the job with exactly these fields: `error` is the message itself
 * (no `<ErrorName>:` prefix) unless overridden, e.g. `{ error: null, statusText }`.
 */
export class JobFailure extends Error {
  override name = 'JobFailure';
  constructor(
    message: string,
    readonly fields: { error?: string | null; statusText?: string } = { error: message },
  ) {
    super(message);
  }
}

type RunnerDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'background' | 'logger'>;

/**
 * Creates a job and runs `work` in the background: each report moves it to RUNNING,
 * returning finishes it, throwing fails it with the error's text. Returns the job as created.
 */
export async function startJob(
  deps: RunnerDeps,
  spec: NewJob,
  work: (report: ReportProgress) => Promise<JobOutcome | void>,
): Promise<Job> {
  const job = await createJob(deps, spec);
  const report: ReportProgress = async (progress) => {
    await updateJob(deps, job.uid, { status: 'RUNNING', ...progress });
  };
  deps.background.run(`job ${spec.typeId} ${job.uid}`, async () => {
    try {
      const outcome = (await work(report)) ?? {};
      await updateJob(deps, job.uid, { status: 'FINISHED', ...outcome });
    } catch (err) {
      if (err instanceof JobFailure) {
        deps.logger.error('job failed', { typeId: spec.typeId, uid: job.uid, error: err.message });
        await updateJob(deps, job.uid, { status: 'ERROR', ...err.fields });
        return;
      }
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      deps.logger.error('job failed', { typeId: spec.typeId, uid: job.uid, error });
      await updateJob(deps, job.uid, { status: 'ERROR', error });
    }
  });
  return job;
}
