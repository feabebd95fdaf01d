import { type LogEntry, type LogFilter, type LogPageQuery, type LogSource, matchesFilter } from '../../src/core/logs/log-types.js';

/** A journal in an array: pages like journald, follows through listeners, and counts the follows running. */
export class InMemoryLogSource implements LogSource {
  readonly entries: LogEntry[] = [];
  readonly follows: LogFilter[] = [];
  activeFollows = 0;
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  append(message: string, unit: string | null = 'nginx.service', slice: string | null = 'system.slice'): LogEntry {
    const entry = { message, timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, this.entries.length)), priority: 6, systemdUnit: unit, systemdSlice: slice, cursor: `c${this.entries.length + 1}` };
    this.entries.push(entry);
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  async page(query: LogPageQuery): Promise<LogEntry[]> {
    const index = query.from === 'newest' ? this.entries.length : this.entries.findIndex((e) => e.cursor === query.cursor);
    if (index < 0) throw new Error(`unknown cursor ${query.from === 'newest' ? '' : query.cursor}`);
    const wanted = (e: LogEntry) => matchesFilter(e, query.filter) && (query.keepEmpty || e.message !== '');
    if (query.from === 'newerThan') return this.entries.slice(index + 1).filter(wanted).slice(0, query.limit);
    return this.entries.slice(0, index).filter(wanted).slice(-query.limit);
  }

  async *follow(filter: LogFilter, after: string | undefined, signal: AbortSignal): AsyncIterable<LogEntry> {
    if (after !== undefined) throw new Error('the fan-out follows from now and replays by paging');
    this.follows.push(filter);
    this.activeFollows += 1;
    const pending: LogEntry[] = [];
    let wake: (() => void) | undefined;
    const listener = (entry: LogEntry) => {
      if (matchesFilter(entry, filter)) pending.push(entry);
      wake?.();
    };
    const onAbort = () => wake?.();
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const next = pending.shift();
        if (next) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
      this.activeFollows -= 1;
    }
  }
}
