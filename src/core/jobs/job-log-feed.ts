import { CoreError } from '../errors.js';
import type { Deps, JobLogFeed } from '../ports.js';
import { BoundedQueue } from '../streams/bounded-queue.js';
import { type JobLogEnd, type JobLogNews, deserializeLogLine } from './job-log-types.js';
import type { JobChange } from './job-types.js';

// Batches of news one follower may have unread; one that falls further behind gets JOB_LOG_READER_TOO_SLOW.
export const MAX_UNREAD_LOG_NEWS = 1_000;

type Watcher = BoundedQueue<JobLogNews>;

/**
 * What happens to jobs' logs, for this process's followers: one reader of the `jobLog` and `jobs`
 * topics while anyone follows, each published batch decoded once and handed (the same objects) to
 * the followers of its job.
 */
export class SharedJobLogFeed implements JobLogFeed {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readers?: AsyncIterableIterator<unknown>[];

  constructor(private readonly deps: Pick<Deps, 'pubsub' | 'logger'>) {}

  /** News of job `uid` from now on: stored lines as published, then its end; until returned. */
  watch(uid: string, capacity = MAX_UNREAD_LOG_NEWS): AsyncIterableIterator<JobLogNews> {
    const set = this.watchers.get(uid) ?? new Set();
    this.watchers.set(uid, set);
    const watcher: Watcher = new BoundedQueue(capacity, tooSlow, () => this.leave(uid, watcher));
    set.add(watcher);
    if (!this.readers) this.follow();
    return watcher;
  }

  /** How many follow job `uid` in this process. */
  followers(uid: string): number {
    return this.watchers.get(uid)?.size ?? 0;
  }

  private follow(): void {
    const lines = this.deps.pubsub.subscribe('jobLog');
    const changes = this.deps.pubsub.subscribe('jobs');
    this.readers = [lines, changes];
    void this.pump(lines, ({ uid, lines }) => this.tell(uid, { kind: 'lines', lines: lines.map(deserializeLogLine) }));
    void this.pump(changes, (change) => {
      const end = endOf(change);
      if (end) this.tell(change.uid, { kind: 'end', end }, true);
    });
  }

  private async pump<T>(source: AsyncIterableIterator<T>, handle: (payload: T) => void): Promise<void> {
    try {
      for await (const payload of source) handle(payload);
    } catch (err) {
      this.deps.logger.error('job log feed stopped', { error: String(err) });
    }
  }

  private tell(uid: string, news: JobLogNews, last = false): void {
    for (const watcher of [...(this.watchers.get(uid) ?? [])]) {
      watcher.push(news);
      if (last) watcher.end();
    }
  }

  private leave(uid: string, watcher: Watcher): void {
    const set = this.watchers.get(uid);
    set?.delete(watcher);
    if (set?.size === 0) this.watchers.delete(uid);
    if (this.watchers.size > 0 || !this.readers) return;
    for (const reader of this.readers) void reader.return?.();
    this.readers = undefined;
  }
}

/** The end a job change announces, if it finished or was removed. */
function endOf(change: JobChange): JobLogEnd | undefined {
  if (!change.job) return { status: 'REMOVED', message: null };
  const { status, error, result, statusText } = change.job;
  if (status === 'ERROR') return { status, message: error || statusText || null };
  if (status === 'FINISHED') return { status, message: result || statusText || null };
  return undefined;
}

function tooSlow(): CoreError {
  return new CoreError('JOB_LOG_READER_TOO_SLOW', 'This reader fell too far behind the job log and was dropped; resume from the last cursor it read');
}
