import { JobFailure, type JobOutcome, type ReportProgress, startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { SYSTEM_JOBS } from './system-messages.js';

export const GARBAGE_MESSAGES = {
  calculating: 'Calculate the number of dead packages...',
  nothingToClear: 'Nothing to clear',
  systemIsClear: 'System is clear',
  found: (count: number) => `Found ${count} packages to remove!`,
  cleaning: 'Cleaning...',
  completed: 'Garbage collection completed.',
  cleared: (size: string) => `${size} have been cleared`,
  failed: 'Garbage collection failed',
  unreadableSummary: (line: string) => `The garbage collector's summary did not say how much was freed: ${line}`,
  noSummary: 'The garbage collector ended without reporting how much was freed.',
} as const;

const STORE_PATH = '/nix/store/';
const DELETING = "deleting '/nix/store/";
const SUMMARY = 'store paths deleted,';
const FREED = /[+-]?\d+\.\d+ \w+(?= freed)/;
const PROGRESS_STEP = 5;

type GarbageDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'background' | 'logger' | 'host'>;

/** Starts the `maintenance.collect_nix_garbage` job: drop old generations, then collect dead store paths. */
export async function startGarbageCollection(deps: GarbageDeps): Promise<Job> {
  return startJob(deps, SYSTEM_JOBS.collectGarbage, (report, job) => collectGarbage(deps, report, job.signal, job.log));
}

/**
 * The garbage-collection procedure on a job: progress in steps of at least 5 points, the freed size as
 * result, the commands' output in the job's log (`log`). `signal` stops it (and the collector's processes).
 */
export async function collectGarbage(
  deps: Pick<Deps, 'host' | 'logger'>,
  report: ReportProgress,
  signal?: AbortSignal,
  log: (text: string) => void = () => {},
): Promise<JobOutcome> {
  await report({ progress: 0, statusText: GARBAGE_MESSAGES.calculating });
  const generations = await deps.host.deleteOldGenerations(signal);
  if (generations.output.trim()) log(generations.output);
  // like the reference, a failure to drop old generations does not stop the collection
  if (generations.exitCode !== 0) deps.logger.warn('deleting old generations failed', { exitCode: generations.exitCode });
  signal?.throwIfAborted();
  const dead = (await deps.host.printDeadStorePaths(signal)).split(STORE_PATH).length - 1;
  if (dead === 0) return { statusText: GARBAGE_MESSAGES.nothingToClear, result: GARBAGE_MESSAGES.systemIsClear };

  await report({ progress: 0, statusText: GARBAGE_MESSAGES.found(dead) });
  let deleted = 0;
  let reported = 0;
  signal?.throwIfAborted();
  for await (const line of deps.host.collectGarbage(signal)) {
    log(line);
    if (line.includes(DELETING)) {
      deleted += 1;
      const percent = Math.floor((deleted / dead) * 100);
      if (percent - reported >= PROGRESS_STEP) {
        reported = percent;
        await report({ progress: percent, statusText: GARBAGE_MESSAGES.cleaning });
      }
    } else if (line.includes(SUMMARY)) {
      const freed = FREED.exec(line);
      if (!freed) throw failure(GARBAGE_MESSAGES.unreadableSummary(line));
      return { statusText: GARBAGE_MESSAGES.completed, result: GARBAGE_MESSAGES.cleared(freed[0]) };
    }
  }
  // The reference left the job RUNNING forever here (and the server `busy`); an explicit failure is clearer.
  throw failure(GARBAGE_MESSAGES.noSummary);
}

function failure(diagnostic: string): JobFailure {
  return new JobFailure(diagnostic, { statusText: GARBAGE_MESSAGES.failed, error: diagnostic });
}
