import type { Deps, JobFeed } from '../ports.js';
import { type Job, type JobChange, deserializeJob } from './job-types.js';
import { listJobs } from './jobs.js';
import { LatestValueQueue } from './latest-value-queue.js';

type FeedDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'logger'>;

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
 * The complete job list after every change to any job, for every `jobUpdates` subscriber of this
 * process: one job-list query per change, shared by all of them. Each subscriber holds only the
 * newest list it has not read yet, so a slow one costs one list, not a backlog.
 */
export class JobListFeed implements JobFeed {
  private readonly subscribers = new Set<LatestValueQueue<Job[]>>();
  private changes?: AsyncIterableIterator<JobChange>;

  constructor(private readonly deps: FeedDeps) {}

  /** Lists after each change from now on (no initial list), until the iterator is returned. */
  watch(): AsyncIterableIterator<Job[]> {
    const subscriber: LatestValueQueue<Job[]> = new LatestValueQueue(() => this.leave(subscriber));
    this.subscribers.add(subscriber);
    if (!this.changes) this.follow();
    return subscriber;
  }

  private follow(): void {
    const changes = this.deps.pubsub.subscribe('jobs');
    this.changes = changes;
    void (async () => {
      for await (const change of changes) {
        const audience = [...this.subscribers];
        if (audience.length === 0) continue;
        try {
          const list = listAsOf(await listJobs(this.deps), change);
          for (const subscriber of audience) subscriber.offer(list);
        } catch (err) {
          this.deps.logger.error('could not list jobs for job updates', { error: String(err) });
        }
      }
    })();
  }

  private leave(subscriber: LatestValueQueue<Job[]>): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size > 0) return;
    const changes = this.changes;
    this.changes = undefined;
    void changes?.return?.();
  }
}
