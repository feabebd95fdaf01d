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
  /** Resolves once every line logged so far is stored (or given up): a body logging a lot waits on it now and then. */
  flush(): Promise<void>;
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
  deps.background.run(
    `job ${spec.typeId} ${job.uid}`,
    // how it ended is on the job (and in the log) already
    (signal) => runJobBody(deps, job, signal, { run: work, outcome: (outcome) => outcome ?? {} }).then(() => undefined, () => undefined),
    job.uid,
  );
  return job;
}

/** A job body that answers a value (a snapshot id, say) besides the job's outcome. */
export interface JobBody<T> {
  run(report: ReportProgress, job: RunningJob): Promise<T>;
  /** The FINISHED update's fields for the value `run` returned. */
  outcome(value: T): JobOutcome;
  /** The ERROR update's fields for a failure (default: a JobFailure's fields, else `<ErrorName>: <message>`). */
  failed?(err: unknown): Omit<JobUpdate, 'status'>;
  /** How long the finished job stays listed (the job store's default when absent). */
  lifetimeMs?: number;
}

/**
 * Runs a body on an existing job in the caller's flow (startJob runs it in the background; a total backup
 * runs each service's backup job this way): each report moves the job to RUNNING, the body's value finishes
 * it, a failure or a cancel marks it ERROR and is rethrown as it is. Stopped by shutdown, it stays unfinished
 * for the next start to settle (and the abort is rethrown).
 */
export async function runJobBody<T>(deps: RecordDeps, job: Pick<Job, 'uid' | 'typeId'>, signal: AbortSignal, body: JobBody<T>): Promise<T> {
  const log = new JobLogWriter(deps, job.uid);
  let loggedStatusText: string | undefined;
  const report: ReportProgress = (progress) => {
    // each new status text is a step: it goes to the job's log too
    if (progress.statusText && progress.statusText !== loggedStatusText) log.log((loggedStatusText = progress.statusText));
    return recordProgress(deps, job.uid, { status: 'RUNNING', ...progress });
  };
  const running: RunningJob = {
    uid: job.uid,
    signal,
    checkpoint: (state) => recordCheckpoint(deps, job.uid, state),
    log: (text) => log.log(text),
    flush: () => log.flush(),
  };
  let value: T;
  let final: JobUpdate;
  try {
    signal.throwIfAborted();
    value = await body.run(report, running);
    final = { status: 'FINISHED', ...body.outcome(value) };
  } catch (err) {
    const cancelled = signal.aborted && signal.reason instanceof JobCancelled ? signal.reason : undefined;
    if (cancelled?.atShutdown) {
      deps.logger.warn('job stopped by shutdown; the next start settles it', { typeId: job.typeId, uid: job.uid });
      log.log('Stopped: the API is shutting down.');
      await log.flush();
      throw err;
    }
    const failure: JobUpdate = cancelled
      ? { status: 'ERROR', error: JOB_MESSAGES.cancelled(cancelled.reason) }
      : { status: 'ERROR', ...(body.failed ?? failureFields)(err) };
    // a stop someone asked for is not a failure of the system
    const level = cancelled ? 'warn' : 'error';
    deps.logger[level](cancelled ? 'job cancelled' : 'job failed', { typeId: job.typeId, uid: job.uid, error: failure.error ?? failure.statusText });
    await finish(deps, job.uid, log, failure, body.lifetimeMs);
    throw err;
  }
  await finish(deps, job.uid, log, final, body.lifetimeMs);
  return value;
}

// The log is complete before the job ends: whoever sees it end can read every line.
async function finish(deps: RecordDeps, uid: string, log: JobLogWriter, final: JobUpdate, lifetimeMs: number | undefined): Promise<void> {
  log.log(finalLine(final));
  await log.flush();
  await recordFinalUpdate(deps, uid, final, lifetimeMs);
}

function finalLine(final: JobUpdate): string {
  if (final.status === 'ERROR') return `Failed: ${final.error ?? final.statusText ?? 'unknown error'}`;
  return `Finished${final.result ?? final.statusText ? `: ${final.result ?? final.statusText}` : '.'}`;
}

function failureFields(err: unknown): Omit<JobUpdate, 'status'> {
  if (err instanceof JobFailure) return err.fields;
  return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}
