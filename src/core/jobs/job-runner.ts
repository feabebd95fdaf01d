import type { Deps } from '../ports.js';
import type { Job, JobUpdate } from './job-types.js';
import { type NewJob, createJob, updateJob } from './jobs.js';

export type ProgressReport = Omit<JobUpdate, 'status' | 'error' | 'result'>;
export type ReportProgress = (report: ProgressReport) => Promise<void>;
export interface JobOutcome {
  result?: string;
  statusText?: string;
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
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      deps.logger.error('job failed', { typeId: spec.typeId, uid: job.uid, error });
      await updateJob(deps, job.uid, { status: 'ERROR', error });
    }
  });
  return job;
}
