import { type RecordDeps, recordLogLines } from './job-records.js';
import { serializeLogLine } from './job-log-types.js';

// Lines waiting for the database while a write is in flight; a job printing faster than this is
// written loses the excess (counted in a note) rather than growing without bound.
const MAX_PENDING_LINES = 5_000;
// Lines per insert and per published batch.
const MAX_BATCH_LINES = 200;
const MAX_LINE_CHARS = 4_000;

/**
 * The one writer of a running job's log: numbers lines from 1, stores them in batches (whatever was
 * logged while the previous batch was being written goes in the next one) and publishes each stored
 * batch. Best effort like progress: a batch that cannot be stored is dropped with a log line.
 */
export class JobLogWriter {
  private nextSeq = 1;
  private pending: { timestamp: Date; message: string }[] = [];
  private dropped = 0;
  private writing?: Promise<void>;

  constructor(
    private readonly deps: RecordDeps,
    private readonly uid: string,
  ) {}

  /** Queues `text` (one line per line of it) for the log; never throws, never waits. */
  log(text: string): void {
    for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) this.queue(line);
    this.writing ??= this.writeAll();
  }

  /** Resolves once everything logged so far has been written (or given up). */
  async flush(): Promise<void> {
    await this.writing;
  }

  private queue(message: string): void {
    if (this.pending.length >= MAX_PENDING_LINES) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      this.pending.push({ timestamp: this.deps.clock.now(), message: `(${this.dropped} lines not recorded: the job printed faster than its log is stored)` });
      this.dropped = 0;
    }
    this.pending.push({ timestamp: this.deps.clock.now(), message: message.length > MAX_LINE_CHARS ? `${message.slice(0, MAX_LINE_CHARS)}…` : message });
  }

  private async writeAll(): Promise<void> {
    await Promise.resolve(); // lines logged in the same turn share the first batch
    while (this.pending.length > 0) {
      const lines = this.pending.splice(0, MAX_BATCH_LINES).map((line, i) => ({ seq: this.nextSeq + i, ...line }));
      if (!(await recordLogLines(this.deps, this.uid, lines))) continue;
      this.nextSeq += lines.length;
      await this.deps.pubsub
        .publish('jobLog', { uid: this.uid, lines: lines.map(serializeLogLine) })
        .catch((err: unknown) => this.deps.logger.warn('job log lines not published', { uid: this.uid, error: String(err) }));
    }
    this.writing = undefined;
  }
}
