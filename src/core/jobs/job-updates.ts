import type { Deps } from '../ports.js';
import { type Job, type JobChange, deserializeJob } from './job-types.js';
import { listJobs } from './jobs.js';

/** The job list as of one change: stored jobs, with the changed job shown exactly as that change left it. */
function listAsOf(stored: Job[], change: JobChange): Job[] {
  const others = stored.filter((job) => job.uid !== change.uid);
  if (!change.job) return others;
  const index = stored.findIndex((job) => job.uid === change.uid);
  const changed = deserializeJob(change.job);
  if (index < 0) return [...others, changed];
  return stored.map((job) => (job.uid === change.uid ? changed : job));
}

/**
 * The complete job list after every change to any job, in the order changes happened
 * (no initial list). Listening starts at the call, before the first value is pulled.
 */
export function watchJobs(deps: Pick<Deps, 'jobs' | 'clock' | 'pubsub'>): AsyncIterableIterator<Job[]> {
  const changes = deps.pubsub.subscribe('jobs');
  const iterator: AsyncIterableIterator<Job[]> = {
    async next() {
      const change = await changes.next();
      if (change.done) return { done: true, value: undefined };
      return { done: false, value: listAsOf(await listJobs(deps), change.value) };
    },
    async return() {
      await changes.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** The reference's `count` subscription: 0 to 9, half a second apart. */
export async function* countToTen(deps: Pick<Deps, 'clock'>): AsyncGenerator<number> {
  for (let i = 0; i < 10; i++) {
    yield i;
    if (i < 9) await deps.clock.sleep(500);
  }
}
