import type { Deps } from '../ports.js';
import { JobCancelled } from './job-cancellation.js';
import { JobLogWriter } from './job-log-writer.js';
import { type RecordDeps, recordCheckpoint, recordFinalUpdate, recordProgress } from './job-records.js';
import type { Job, JobCheckpoint, JobUpdate } from './job-types.js';
import { JOB_MESSAGES, type NewJob, createJob } from './jobs.js';

export type ProgressReport = Omit<JobUpdate, 'status' | 'result'>;
/** Best effort: a report that cannot be written is retried and logged, never thrown into the body. */
export type ReportProgress = (report: ProgressReport) => Promise<void>;
export interface JobOutcome {
  result?: string;
  statusText?: string;
}

/** What a running job body gets besides its progress reports. */
export interface RunningJob {
  uid: string;
  /** Aborts when the job is cancelled or the API shuts down: check it between steps, pass it to host calls. */
  signal: AbortSignal;
  /** Records where the work stands now (best effort), for the next start to report if this process dies. */
  checkpoint(state: JobCheckpoint | null): Promise<void>;
  /** Adds text to the job's own log (one line per line; best effort, never waits). */
  log(text: string): void;
}

export type JobWork = (report: ReportProgress, job: RunningJob) => Promise<JobOutcome | void>;

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

type RunnerDeps = RecordDeps & Pick<Deps, 'background'>;

/**
 * Creates a job (RESOURCE_BUSY when its resource is taken) and runs `work` in the background: each
 * report moves it to RUNNING, returning finishes it, throwing fails it with the error's text, a cancel
 * fails it as cancelled. Stopped by shutdown, it stays unfinished for the next start to settle.
 * Returns the job as created.
 */
export async function startJob(deps: RunnerDeps, spec: NewJob, work: JobWork): Promise<Job> {
  const job = await createJob(deps, spec);
  const log = new JobLogWriter(deps, job.uid);
  let loggedStatusText: string | undefined;
  const report: ReportProgress = (progress) => {
    // each new status text is a step: it goes to the job's log too
    if (progress.statusText && progress.statusText !== loggedStatusText) log.log((loggedStatusText = progress.statusText));
    return recordProgress(deps, job.uid, { status: 'RUNNING', ...progress });
  };
  deps.background.run(
    `job ${spec.typeId} ${job.uid}`,
    async (signal) => {
      const running: RunningJob = {
        uid: job.uid,
        signal,
        checkpoint: (state) => recordCheckpoint(deps, job.uid, state),
        log: (text) => log.log(text),
      };
      let final: JobUpdate;
      try {
        signal.throwIfAborted();
        final = { status: 'FINISHED', ...((await work(report, running)) ?? {}) };
      } catch (err) {
        const cancelled = signal.aborted && signal.reason instanceof JobCancelled ? signal.reason : undefined;
        if (cancelled?.atShutdown) {
          deps.logger.warn('job stopped by shutdown; the next start settles it', { typeId: spec.typeId, uid: job.uid });
          log.log('Stopped: the API is shutting down.');
          await log.flush();
          return;
        }
        final = cancelled ? { status: 'ERROR', error: JOB_MESSAGES.cancelled(cancelled.reason) } : failureUpdate(err);
        // a stop someone asked for is not a failure of the system
        const level = cancelled ? 'warn' : 'error';
        deps.logger[level](cancelled ? 'job cancelled' : 'job failed', { typeId: spec.typeId, uid: job.uid, error: final.error ?? final.statusText });
      }
      log.log(finalLine(final));
      // the log is complete before the job ends: whoever sees it end can read every line
      await log.flush();
      await recordFinalUpdate(deps, job.uid, final);
    },
    job.uid,
  );
  return job;
}

function finalLine(final: JobUpdate): string {
  if (final.status === 'ERROR') return `Failed: ${final.error ?? final.statusText ?? 'unknown error'}`;
  return `Finished${final.result ?? final.statusText ? `: ${final.result ?? final.statusText}` : '.'}`;
}

function failureUpdate(err: unknown): JobUpdate {
  if (err instanceof JobFailure) return { status: 'ERROR', ...err.fields };
  return { status: 'ERROR', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}
