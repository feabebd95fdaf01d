import type { Deps } from '../ports.js';
import type { Job } from './job-types.js';

/**
 * The complete job list after every change to any job, in the order changes happened (no initial
 * list); a reader that falls behind gets the newest list. Listening starts at the call.
 */
export function watchJobs(deps: Pick<Deps, 'jobFeed'>): AsyncIterableIterator<Job[]> {
  return deps.jobFeed.watch();
}

/** The reference's `count` subscription: 0 to 9, half a second apart. */
export async function* countToTen(deps: Pick<Deps, 'clock'>): AsyncGenerator<number> {
  for (let i = 0; i < 10; i++) {
    yield i;
    if (i < 9) await deps.clock.sleep(500);
  }
}
