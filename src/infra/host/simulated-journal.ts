import { createHash } from 'node:crypto';
import { CoreError } from '../../core/errors.js';
import { LOG_MESSAGES } from '../../core/logs/log-pages.js';
import { type LogEntry, type LogFilter, type LogPageQuery, type LogSource, matchesFilter } from '../../core/logs/log-types.js';
import type { JournalSegments } from './journal-segments.js';

/** What a writer of the simulated journal gives; the journal adds the cursor (and the time, when absent). */
export interface JournalLine {
  unit: string | null;
  message: string;
  priority?: number;
  slice?: string | null;
  timestamp?: Date;
}

/** A journal entry with its sequence number (the `i=` of its cursor), as kept in memory and on disk. */
export interface StoredEntry extends LogEntry {
  seq: number;
}

// Entries kept in memory: the two segments on disk.
const CAPACITY = 20_000;

/**
 * The simulated machine's systemd journal: append, page by cursor, follow from now or from a cursor,
 * with journald-like cursors. With `segments` it survives restarts (bounded on disk); without, it
 * lives in memory only.
 */
export class SimulatedJournal implements LogSource {
  private entries: StoredEntry[];
  private readonly listeners = new Set<(entry: StoredEntry) => void>();
  private readonly id: string;

  constructor(
    private readonly now: () => Date,
    private readonly segments?: JournalSegments,
  ) {
    this.entries = segments?.load() ?? [];
    this.id = createHash('sha256').update(segments?.dir ?? 'in-memory').digest('hex').slice(0, 32);
  }

  get size(): number {
    return this.entries.length;
  }

  append(unit: string | null, message: string, priority = 6, slice?: string | null): StoredEntry {
    return this.appendAll([{ unit, message, priority, slice }])[0]!;
  }

  /** Appends lines in order (one disk write for all of them) and tells followers. */
  appendAll(lines: readonly JournalLine[]): StoredEntry[] {
    let seq = this.entries.at(-1)?.seq ?? 0;
    const added = lines.map((line) => {
      seq += 1;
      const timestamp = line.timestamp ?? this.now();
      return {
        seq,
        message: line.message,
        timestamp,
        priority: line.priority ?? 6,
        systemdUnit: line.unit,
        systemdSlice: line.slice === undefined ? sliceOf(line.unit) : line.slice,
        cursor: `s=${this.id};i=${seq.toString(16)};t=${(timestamp.getTime() * 1000).toString(16)}`,
      };
    });
    this.segments?.append(added);
    this.entries.push(...added);
    if (this.entries.length > CAPACITY * 1.1) this.entries = this.entries.slice(-CAPACITY);
    for (const entry of added) for (const listener of this.listeners) listener(entry);
    return added;
  }

  all(): readonly StoredEntry[] {
    return this.entries;
  }

  /** The last `lines` messages of a unit, oldest first. */
  tail(unit: string, lines: number): string[] {
    return this.entries
      .filter((e) => e.systemdUnit === unit)
      .slice(-lines)
      .map((e) => e.message);
  }

  async page(query: LogPageQuery): Promise<LogEntry[]> {
    const wanted = (e: StoredEntry) => matchesFilter(e, query.filter) && (query.keepEmpty || e.message !== '');
    const found: LogEntry[] = [];
    if (query.from === 'newerThan') {
      for (let i = this.indexAfter(this.seqOf(query.cursor)); i < this.entries.length && found.length < query.limit; i += 1) {
        if (wanted(this.entries[i]!)) found.push(publicEntry(this.entries[i]!));
      }
      return found;
    }
    const start = query.from === 'olderThan' ? this.indexAfter(this.seqOf(query.cursor) - 1) - 1 : this.entries.length - 1;
    for (let i = start; i >= 0 && found.length < query.limit; i -= 1) {
      if (wanted(this.entries[i]!)) found.push(publicEntry(this.entries[i]!));
    }
    return found.reverse();
  }

  /** Matching entries after `after` (none when absent), then new ones as they are appended, until `signal` aborts. */
  async *follow(filter: LogFilter, after: string | undefined, signal: AbortSignal): AsyncIterable<LogEntry> {
    if (signal.aborted) return;
    const afterSeq = after === undefined ? undefined : this.seqOf(after);
    const pending: StoredEntry[] = afterSeq === undefined ? [] : this.entries.slice(this.indexAfter(afterSeq)).filter((e) => matchesFilter(e, filter));
    let wake: (() => void) | undefined;
    const listener = (entry: StoredEntry) => {
      if (!matchesFilter(entry, filter)) return;
      pending.push(entry);
      wake?.();
    };
    const onAbort = () => wake?.();
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const next = pending.shift();
        if (next) {
          yield publicEntry(next);
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  // A cursor of this journal names its entry by `i=`; any other text is refused, as journalctl refuses it.
  private seqOf(cursor: string): number {
    const fields = new Map(cursor.split(';').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]));
    const seq = /^[0-9a-f]{1,12}$/.test(fields.get('i') ?? '') ? Number.parseInt(fields.get('i')!, 16) : Number.NaN;
    if (fields.get('s') !== this.id || !Number.isSafeInteger(seq)) throw new CoreError('INVALID_INPUT', LOG_MESSAGES.unknownCursor);
    return seq;
  }

  /** Index of the first entry whose sequence number is above `seq`. */
  private indexAfter(seq: number): number {
    let [low, high] = [0, this.entries.length];
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.entries[mid]!.seq <= seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function publicEntry({ seq: _seq, ...entry }: StoredEntry): LogEntry {
  return entry;
}

/** The slice systemd puts a unit in: user sessions under the user's slice, other units in system.slice. */
export function sliceOf(unit: string | null): string | null {
  if (unit === null) return null;
  if (unit === 'init.scope') return '-.slice';
  if (unit.startsWith('session-') && unit.endsWith('.scope')) return 'user-1000.slice';
  if (unit.startsWith('user@')) return 'user.slice';
  return 'system.slice';
}
