import { JobCancelled } from '../jobs/job-cancellation.js';
import { JobLogWriter } from '../jobs/job-log-writer.js';
import { type RecordDeps, recordCheckpoint, recordFinalUpdate, recordProgress } from '../jobs/job-records.js';
import { JobFailure, type JobOutcome, type ReportProgress, type RunningJob } from '../jobs/job-runner.js';
import type { Job, JobUpdate } from '../jobs/job-types.js';
import { JOB_MESSAGES } from '../jobs/jobs.js';

export interface InlineWork<T> {
  run(report: ReportProgress, job: RunningJob): Promise<T>;
  /** The FINISHED update's fields for the value `run` returned. */
  outcome(value: T): JobOutcome;
  /** The ERROR update's fields for a failure (default: a JobFailure's fields, else `<ErrorName>: <message>`). */
  failed?(err: unknown): Omit<JobUpdate, 'status'>;
  /** How long the finished job stays listed (the job store's default when absent). */
  lifetimeMs?: number;
}

/**
 * Runs a job's body on an existing job in the caller's own flow (a total backup runs each service's backup job
 * this way): reports move it to RUNNING, the body's value finishes it, a failure marks it ERROR (the JobFailure's
 * fields, else `<ErrorName>: <message>`) and is rethrown to the caller. A shutdown leaves it for the next start.
 */
export async function runJobInline<T>(deps: RecordDeps, job: Job, signal: AbortSignal, work: InlineWork<T>): Promise<T> {
  const log = new JobLogWriter(deps, job.uid);
  let loggedStatusText: string | undefined;
  const report: ReportProgress = (progress) => {
    if (progress.statusText && progress.statusText !== loggedStatusText) log.log((loggedStatusText = progress.statusText));
    return recordProgress(deps, job.uid, { status: 'RUNNING', ...progress });
  };
  const running: RunningJob = {
    uid: job.uid,
    signal,
    checkpoint: (state) => recordCheckpoint(deps, job.uid, state),
    log: (text) => log.log(text),
  };
  let value: T;
  try {
    signal.throwIfAborted();
    value = await work.run(report, running);
  } catch (err) {
    const cancelled = signal.aborted && signal.reason instanceof JobCancelled ? signal.reason : undefined;
    if (cancelled?.atShutdown) {
      log.log('Stopped: the API is shutting down.');
      await log.flush();
      throw err;
    }
    const final: JobUpdate = cancelled ? { status: 'ERROR', error: JOB_MESSAGES.cancelled(cancelled.reason) } : { status: 'ERROR', ...(work.failed ?? failureFields)(err) };
    log.log(`Failed: ${final.error ?? final.statusText ?? 'unknown error'}`);
    await log.flush();
    await recordFinalUpdate(deps, job.uid, final, work.lifetimeMs);
    throw err;
  }
  const final: JobUpdate = { status: 'FINISHED', ...work.outcome(value) };
  log.log(`Finished${final.result ? `: ${final.result}` : '.'}`);
  await log.flush();
  await recordFinalUpdate(deps, job.uid, final, work.lifetimeMs);
  return value;
}

function failureFields(err: unknown): Omit<JobUpdate, 'status'> {
  if (err instanceof JobFailure) return err.fields;
  return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}
