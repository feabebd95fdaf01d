import type { LogFeed, Logger } from '../ports.js';
import { CoreError } from '../errors.js';
import { BoundedQueue } from '../streams/bounded-queue.js';
import { LogEvent } from './log-event.js';
import type { LogFilter, LogSource } from './log-types.js';
import { LogSubscription } from './log-subscription.js';

export const LOG_STREAM_MESSAGES = {
  overflow: (limit: number) => `Log stream closed: this client fell more than ${limit} entries behind`,
} as const;

export interface LogFollowersOptions {
  /** Entries one subscriber may have waiting before its stream is closed. */
  queueLimit: number;
}

interface Follower {
  subscribers: Set<BoundedQueue<LogEvent>>;
  stop: AbortController;
}

/**
 * Live journal followers shared by their subscribers: one `follow` of the log source per distinct
 * filter, whose entries (one LogEvent each) are handed to every subscriber's bounded queue; it
 * stops when the last subscriber leaves.
 */
export class LogFollowers implements LogFeed {
  private readonly followers = new Map<string, Follower>();

  constructor(
    private readonly deps: { logs: LogSource; logger: Logger },
    private readonly options: LogFollowersOptions = { queueLimit: 1000 },
  ) {}

  /** Follows matching entries from now on, or replays those after `after` first. */
  subscribe(filter: LogFilter, after?: string): LogSubscription {
    const key = filterKey(filter);
    const follower = this.followers.get(key) ?? this.startFollower(key, filter);
    const { queueLimit } = this.options;
    // the queue leaves the follower when its reader returns it or falls `queueLimit` entries behind
    const queue: BoundedQueue<LogEvent> = new BoundedQueue(queueLimit, () => new CoreError('LOG_READER_TOO_SLOW', LOG_STREAM_MESSAGES.overflow(queueLimit)), () => this.drop(key, follower, queue));
    follower.subscribers.add(queue);
    return new LogSubscription(queue, after === undefined ? undefined : { source: this.deps.logs, filter, after });
  }

  /** How many followers run (one per filter with subscribers). */
  get followerCount(): number {
    return this.followers.size;
  }

  private startFollower(key: string, filter: LogFilter): Follower {
    const follower: Follower = { subscribers: new Set(), stop: new AbortController() };
    this.followers.set(key, follower);
    void this.run(key, filter, follower);
    return follower;
  }

  // A subscriber left (or fell too far behind): the last one out stops the follower.
  private drop(key: string, follower: Follower, queue: BoundedQueue<LogEvent>): void {
    follower.subscribers.delete(queue);
    if (follower.subscribers.size > 0 || this.followers.get(key) !== follower) return;
    this.followers.delete(key);
    follower.stop.abort();
  }

  private async run(key: string, filter: LogFilter, follower: Follower): Promise<void> {
    const { signal } = follower.stop;
    try {
      for await (const entry of this.deps.logs.follow(filter, undefined, signal)) {
        const event = new LogEvent(entry);
        for (const queue of follower.subscribers) queue.push(event);
      }
    } catch (err) {
      if (!signal.aborted) this.deps.logger.warn('journal follow failed', { filter, error: String(err) });
    }
    if (signal.aborted) return;
    // the journal ended the follow on its own: like the reference, the streams end quietly (a client
    // resumes with its last cursor) and the next subscriber starts a new follower
    if (this.followers.get(key) === follower) this.followers.delete(key);
    for (const queue of [...follower.subscribers]) queue.end();
  }
}

function filterKey(filter: LogFilter): string {
  return JSON.stringify([filter.units ? [...new Set(filter.units)].sort() : null, filter.slice ?? null]);
}
