import type { Deps } from '../ports.js';
import type { Job } from './job-types.js';
import { startJob } from './job-runner.js';

const STEP_MS = 5000;

/** The reference's demonstration job (testMutation): five progress steps five seconds apart, each in its log. */
export async function startTestJob(
  deps: Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'background' | 'logger'>,
): Promise<Job> {
  return startJob(deps, { typeId: 'test', name: 'Test job', description: 'This is a test job.' }, async (report, job) => {
    for (const [step, progress] of [5, 10, 15, 20, 25].entries()) {
      await report({ progress, statusText: 'Performing pre-move checks...' });
      job.log(`Step ${step + 1} of 5: ${progress}%`);
      await deps.clock.sleep(STEP_MS, job.signal); // a stop ends the wait at once
    }
    return { statusText: 'Job finished.' };
  });
}
