import type { LogEntry } from './log-types.js';

/**
 * One journal entry as every follower's subscriber receives it: a single shared object, so each
 * transport encodes it once (`encoded`) however many subscribers it has.
 */
export class LogEvent {
  private readonly encodings = new Map<string, unknown>();

  constructor(readonly entry: LogEntry) {}

  /** `encode(entry)`, computed by the first caller with this `key` and shared with the rest. */
  encoded<T>(key: string, encode: (entry: LogEntry) => T): T {
    if (!this.encodings.has(key)) this.encodings.set(key, encode(this.entry));
    return this.encodings.get(key) as T;
  }
}
