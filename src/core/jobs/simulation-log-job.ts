import type { Deps } from '../ports.js';
import type { Job } from './job-types.js';
import { startJob } from './job-runner.js';

// Lines logged before waiting for the log writer to store them: well under what it keeps waiting, so none is dropped.
const LINES_PER_FLUSH = 1_000;

/**
 * A job of the simulated host for trying the job log screens and measuring log streaming: its body logs
 * `lines` numbered lines (`bench line 1` … `bench line <lines>`) as fast as its log is stored, none dropped.
 */
export async function startSimulationLogJob(
  deps: Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'background' | 'logger'>,
  lines: number,
): Promise<Job> {
  return startJob(
    deps,
    { typeId: 'simulation.log', name: 'Simulated log output', description: `Writes ${lines} numbered lines to its log.` },
    async (report, job) => {
      await report({ progress: 0, statusText: `Writing ${lines} lines...` });
      for (let first = 1; first <= lines; first += LINES_PER_FLUSH) {
        job.signal.throwIfAborted();
        const last = Math.min(lines, first + LINES_PER_FLUSH - 1);
        for (let i = first; i <= last; i += 1) job.log(`bench line ${i}`);
        await job.flush();
      }
      return { statusText: `Wrote ${lines} lines.` };
    },
  );
}
