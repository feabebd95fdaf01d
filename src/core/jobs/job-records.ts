import type { Deps } from '../ports.js';
import type { JobLogLine } from './job-log-types.js';
import type { JobCheckpoint, JobUpdate } from './job-types.js';
import { updateJob } from './jobs.js';

export type RecordDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'logger'>;

// Waits between attempts. Progress is best effort: a database hiccup must never fail (and so roll back)
// hours of work. The final status is what everyone waits for, so it is retried for longer.
const PROGRESS_BACKOFF_MS = [100, 400];
const FINAL_BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

/** Writes a progress update, retried a few times; one that still fails is logged and dropped, never thrown. */
export async function recordProgress(deps: RecordDeps, uid: string, update: JobUpdate): Promise<void> {
  await withRetries(deps, PROGRESS_BACKOFF_MS, 'job progress not recorded', uid, () => updateJob(deps, uid, update));
}

/** Writes a checkpoint with the same retries as progress, never thrown. */
export async function recordCheckpoint(deps: RecordDeps, uid: string, checkpoint: JobCheckpoint | null): Promise<void> {
  await withRetries(deps, PROGRESS_BACKOFF_MS, 'job checkpoint not recorded', uid, () => deps.jobs.saveCheckpoint(uid, checkpoint));
}

/** Stores log lines with the same retries as progress; false (logged, never thrown) when they could not be. */
export async function recordLogLines(deps: RecordDeps, uid: string, lines: readonly JobLogLine[]): Promise<boolean> {
  return withRetries(deps, PROGRESS_BACKOFF_MS, 'job log lines not recorded', uid, () => deps.jobs.appendLog(uid, lines));
}

/** Writes the FINISHED or ERROR update, retried for several seconds before giving up with an error log. */
export async function recordFinalUpdate(deps: RecordDeps, uid: string, update: JobUpdate, lifetimeMs?: number): Promise<void> {
  await withRetries(deps, FINAL_BACKOFF_MS, 'job result not recorded', uid, () => updateJob(deps, uid, update, lifetimeMs));
}

async function withRetries(deps: RecordDeps, backoffMs: readonly number[], what: string, uid: string, write: () => Promise<unknown>): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return true;
    } catch (err) {
      const gaveUp = attempt >= backoffMs.length;
      deps.logger[gaveUp ? 'error' : 'warn'](what, { uid, attempt: attempt + 1, gaveUp, error: String(err) });
      if (gaveUp) return false;
      await deps.clock.sleep(backoffMs[attempt]!);
    }
  }
}
