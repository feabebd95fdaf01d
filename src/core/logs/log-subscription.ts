import type { BoundedQueue } from '../streams/bounded-queue.js';
import { LogEvent } from './log-event.js';
import type { LogFilter, LogSource } from './log-types.js';

const REPLAY_PAGE = 200;
// Live entries that may repeat replayed ones are those appended while the replay ran: a short window.
const REPLAY_OVERLAP = 2000;

export interface LogReplay {
  source: LogSource;
  filter: LogFilter;
  after: string;
}

/**
 * One subscriber's stream: the replay after a cursor when asked (read page by page as the reader
 * pulls), then the live entries its shared follower queued meanwhile, without repeating any.
 * `return()` leaves at once, even while a read waits.
 */
export class LogSubscription implements AsyncIterableIterator<LogEvent> {
  private replayed: LogEvent[] = [];
  private replayCursor?: string;
  private recent = new Set<string>();
  private left = false;

  constructor(
    /** Fed by the shared follower; returning it leaves the follower. */
    private readonly live: BoundedQueue<LogEvent>,
    private readonly replay?: LogReplay,
  ) {
    this.replayCursor = replay?.after;
  }

  async next(): Promise<IteratorResult<LogEvent>> {
    try {
      const replayed = await this.nextReplayed();
      if (replayed) return { done: false, value: replayed };
      while (true) {
        const result = await this.live.next();
        if (result.done) return result;
        if (this.recent.size > 0 && this.recent.has(result.value.entry.cursor)) continue;
        this.recent.clear(); // from here on every live entry is newer than the replay
        return result;
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  async return(): Promise<IteratorResult<LogEvent>> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async nextReplayed(): Promise<LogEvent | undefined> {
    if (!this.replay || this.replayCursor === undefined || this.left) return this.replayed.shift();
    if (this.replayed.length === 0) {
      const { source, filter } = this.replay;
      const page = await source.page({ filter, limit: REPLAY_PAGE, from: 'newerThan', cursor: this.replayCursor, keepEmpty: true });
      if (this.left) return undefined;
      this.replayed = page.map((entry) => new LogEvent(entry));
      for (const entry of page) this.remember(entry.cursor);
      this.replayCursor = page.length < REPLAY_PAGE ? undefined : page.at(-1)!.cursor;
    }
    return this.replayed.shift();
  }

  private remember(cursor: string): void {
    this.recent.add(cursor);
    if (this.recent.size > REPLAY_OVERLAP) this.recent.delete(this.recent.values().next().value!);
  }

  private close(): void {
    if (this.left) return;
    this.left = true;
    this.replayed = [];
    void this.live.return();
  }
}
