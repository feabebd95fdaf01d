import { CoreError } from '../errors.js';
import type { LogEntry, LogFilter, LogPageQuery, LogSource } from './log-types.js';

export const MAX_PAGE_SIZE = 50;

export const LOG_MESSAGES = {
  tooMany: `You can't fetch more than ${MAX_PAGE_SIZE} entries via single request.`,
  bothCursors: 'Pagination by both up_cursor and down_cursor is not implemented',
  unknownCursor: 'Unknown journal cursor',
} as const;

export interface LogPageArgs {
  limit: number;
  upCursor?: string | null;
  downCursor?: string | null;
  filterByUnit?: string | null;
  filterBySlice?: string | null;
}

export interface LogPage {
  /** Cursor of the first (oldest) entry; pass it as `downCursor` for older entries. */
  upCursor: string | null;
  /** Cursor of the last (newest) entry; pass it as `upCursor` for newer entries. */
  downCursor: string | null;
  entries: LogEntry[];
}

/**
 * One page of the journal (spec §8): the newest `limit` entries, those older than `downCursor` or
 * those newer than `upCursor`, oldest first; at most 50, never both cursors.
 */
export async function getLogPage(deps: { logs: LogSource }, args: LogPageArgs): Promise<LogPage> {
  if (args.limit > MAX_PAGE_SIZE) throw new CoreError('INVALID_INPUT', LOG_MESSAGES.tooMany);
  if (args.upCursor && args.downCursor) throw new CoreError('INVALID_INPUT', LOG_MESSAGES.bothCursors);
  // the reference's reader loop returns nothing for a limit below one
  const entries = args.limit < 1 ? [] : await deps.logs.page(pageQuery(args));
  return { upCursor: entries[0]?.cursor ?? null, downCursor: entries.at(-1)?.cursor ?? null, entries };
}

function pageQuery(args: LogPageArgs): LogPageQuery {
  const filter = logFilter(args.filterByUnit, args.filterBySlice);
  if (args.downCursor) return { filter, limit: args.limit, from: 'olderThan', cursor: args.downCursor };
  if (args.upCursor) return { filter, limit: args.limit, from: 'newerThan', cursor: args.upCursor };
  return { filter, limit: args.limit, from: 'newest' };
}

/** A filter from optional transport arguments (null and absent mean no match on that field). */
export function logFilter(unit?: string | null, slice?: string | null): LogFilter {
  return { ...(unit ? { units: [unit] } : {}), ...(slice ? { slice } : {}) };
}
