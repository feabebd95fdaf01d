/** One systemd journal entry as the API shows it (spec §8). */
export interface LogEntry {
  message: string;
  timestamp: Date;
  /** syslog priority 0 (emerg) .. 7 (debug); null when the entry has none. */
  priority: number | null;
  systemdUnit: string | null;
  systemdSlice: string | null;
  /** The journal's own opaque position of this entry. */
  cursor: string;
}

/** Exact matches on `_SYSTEMD_UNIT` (any of `units`) and `_SYSTEMD_SLICE`; both given: both must match. */
export interface LogFilter {
  units?: readonly string[];
  slice?: string;
}

/** Which part of the journal a page holds; entries always come back oldest first. */
export type LogPageQuery = {
  filter: LogFilter;
  limit: number;
  /** Entries with an empty message count too (a replay); a page skips them (spec §8). */
  keepEmpty?: boolean;
} & (
  | { from: 'newest' }
  | { from: 'olderThan'; cursor: string }
  | { from: 'newerThan'; cursor: string }
);

/** The systemd journal (journald on NixOS, a journal of its own in the simulation). */
export interface LogSource {
  /**
   * Up to `limit` entries (with a non-empty message unless `keepEmpty`): the newest ones, or those right before or right
   * after a cursor (the cursor's own entry excluded). An unknown cursor is CoreError INVALID_INPUT.
   */
  page(query: LogPageQuery): Promise<LogEntry[]>;
  /**
   * Every matching entry appended after `after` (from now when absent), in journal order, empty
   * messages included, until `signal` aborts. Ends early only if the journal stops following.
   */
  follow(filter: LogFilter, after: string | undefined, signal: AbortSignal): AsyncIterable<LogEntry>;
}

/** Matches journald's own match semantics for one entry. */
export function matchesFilter(entry: Pick<LogEntry, 'systemdUnit' | 'systemdSlice'>, filter: LogFilter): boolean {
  if (filter.units !== undefined && (entry.systemdUnit === null || !filter.units.includes(entry.systemdUnit))) return false;
  if (filter.slice !== undefined && entry.systemdSlice !== filter.slice) return false;
  return true;
}
