import { JobFailure, type JobOutcome, type ReportProgress } from '../jobs/job-runner.js';
import { waitForUnitStates } from '../host/unit-waits.js';
import { REBUILT_RESULT } from '../jobs/jobs.js';
import type { Deps } from '../ports.js';

export const REBUILD_UNIT = 'sp-nixos-rebuild.service';
export const UPGRADE_UNIT = 'sp-nixos-upgrade.service';

export const REBUILD_MESSAGES = {
  starting: 'Starting the system rebuild...',
  rebuilding: 'Rebuilding the system...',
  rebuilt: REBUILT_RESULT,
  timedOut: 'System rebuild timed out. Last log lines:',
  failed: 'System rebuild failed. Last log lines:',
} as const;

const START_TIMEOUT_MS = 5 * 60 * 1000;
const FINISH_TIMEOUT_MS = 60 * 60 * 1000;
const LOG_TAIL_LINES = 10;

export type RebuildDeps = Pick<Deps, 'host' | 'clock' | 'logger'>;

/**
 * Runs the rebuild procedure on an existing job: starts `unit`, waits for it to become active, mirrors its
 * journal into statusText, and returns `System rebuilt.` when it ends inactive. Throws a JobFailure whose
 * message is the failure text (failed or timed out, with the last journal lines); an unexpected error
 * becomes a JobFailure that leaves `error` null and puts the text in statusText. `signal` stops the
 * following (the unit itself runs on under systemd); the abort's reason is rethrown as it is.
 */
export async function followSystemRebuild(
  deps: RebuildDeps,
  report: ReportProgress,
  unit: string = REBUILD_UNIT,
  signal?: AbortSignal,
): Promise<JobOutcome> {
  try {
    const exitCode = await deps.host.startUnit(unit);
    if (exitCode !== 0) throw new Error(`systemctl start ${unit} exited with code ${exitCode}`);
    await report({ statusText: REBUILD_MESSAGES.starting });
    if (!(await waitForUnitState(deps, unit, ['active'], START_TIMEOUT_MS, signal))) {
      throw new JobFailure(await failureText(deps, unit, REBUILD_MESSAGES.timedOut));
    }
    await report({ statusText: REBUILD_MESSAGES.rebuilding });
    const final = await mirrorJournal(deps, unit, report, signal, () =>
      waitForUnitState(deps, unit, ['failed', 'inactive'], FINISH_TIMEOUT_MS, signal),
    );
    if (final === 'inactive') return { result: REBUILD_MESSAGES.rebuilt };
    const heading = final === 'failed' ? REBUILD_MESSAGES.failed : REBUILD_MESSAGES.timedOut;
    throw new JobFailure(await failureText(deps, unit, heading));
  } catch (err) {
    if (err instanceof JobFailure || (signal?.aborted && err === signal.reason)) throw err;
    // the reference reports an unexpected failure in statusText and leaves `error` empty
    const text = err instanceof Error ? err.message : String(err);
    throw new JobFailure(text, { error: null, statusText: text });
  }
}

async function waitForUnitState(
  deps: Pick<Deps, 'host' | 'clock'>,
  unit: string,
  states: readonly string[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  return (await waitForUnitStates(deps, [unit], states, timeoutMs, signal))?.get(unit);
}

// Every new journal line of the unit becomes the job's statusText while `wait` runs; the follower is
// stopped and drained before returning so no line can land after the job's final update.
async function mirrorJournal<T>(
  deps: RebuildDeps,
  unit: string,
  report: ReportProgress,
  signal: AbortSignal | undefined,
  wait: () => Promise<T>,
): Promise<T> {
  const stop = new AbortController();
  const following = signal ? AbortSignal.any([stop.signal, signal]) : stop.signal;
  const follower = (async () => {
    for await (const line of deps.host.followUnitLog(unit, following)) {
      if (following.aborted) break;
      await report({ statusText: line });
    }
  })().catch((err: unknown) => deps.logger.warn('journal follow failed', { unit, error: String(err) }));
  try {
    return await wait();
  } finally {
    stop.abort();
    await follower;
  }
}

async function failureText(deps: Pick<Deps, 'host'>, unit: string, heading: string): Promise<string> {
  const lines = await deps.host.unitLog(unit, LOG_TAIL_LINES);
  return `${heading}\n${lines.join('\n')}`;
}
