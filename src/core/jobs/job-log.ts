import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { JobLogEnd, JobLogLine, JobLogNews } from './job-log-types.js';
import type { Job } from './job-types.js';
import { requireJob } from './jobs.js';

export const MAX_LOG_LINES_PER_READ = 1_000;
const REPLAY_PAGE_LINES = 500;

type LogDeps = Pick<Deps, 'jobs' | 'clock'>;
type FollowDeps = LogDeps & Pick<Deps, 'jobLogFeed'>;

export type JobLogEvent = { kind: 'line'; line: JobLogLine } | { kind: 'end'; end: JobLogEnd };

/** A line's cursor: its number in the job's log. */
export const logCursor = (line: JobLogLine): string => String(line.seq);

/** The line number a cursor names (0 without one); INVALID_INPUT for anything that is not a cursor. */
export function parseLogCursor(cursor: string | undefined | null): number {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw new CoreError('INVALID_INPUT', 'Invalid log cursor');
  return Number(cursor);
}

/** Lines of a job's log after `after` (from the first without it), at most `limit` (and MAX_LOG_LINES_PER_READ). */
export async function readJobLog(deps: LogDeps, uid: string, after?: string | null, limit?: number | null): Promise<JobLogLine[]> {
  const afterSeq = parseLogCursor(after);
  if (limit !== undefined && limit !== null && (!Number.isInteger(limit) || limit < 0)) {
    throw new CoreError('INVALID_INPUT', 'limit must be a non-negative integer');
  }
  await requireJob(deps, uid);
  return deps.jobs.readLog(uid, afterSeq, Math.min(limit ?? MAX_LOG_LINES_PER_READ, MAX_LOG_LINES_PER_READ));
}

/** Every line of a job's log so far, read page by page (a download of any length); JOB_NOT_FOUND for an unknown job. */
export async function readWholeJobLog(deps: LogDeps, uid: string): Promise<AsyncGenerator<JobLogLine>> {
  await requireJob(deps, uid);
  return (async function* () {
    for (let after = 0; ; ) {
      const page = await deps.jobs.readLog(uid, after, REPLAY_PAGE_LINES);
      yield* page;
      if (page.length < REPLAY_PAGE_LINES) return;
      after = page.at(-1)!.seq;
    }
  })();
}

/**
 * Follows a job's log: the lines after `after` (all without it), then each new line as it is stored,
 * without gap or repeat, then one `end` event when the job ends (at once for a finished job).
 * JOB_NOT_FOUND before any event for an unknown job; JOB_LOG_READER_TOO_SLOW mid-way for a reader
 * that falls too far behind. Returning the iterator stops following at once, even mid-wait.
 */
export async function followJobLog(deps: FollowDeps, uid: string, after?: string | null): Promise<AsyncIterableIterator<JobLogEvent>> {
  const afterSeq = parseLogCursor(after);
  // Watching starts before the job is read: whatever happens after the read is in the news.
  const news = deps.jobLogFeed.watch(uid);
  let job: Job;
  try {
    job = await requireJob(deps, uid);
  } catch (err) {
    await news.return?.();
    throw err;
  }
  const events = follow(deps, job, news, afterSeq);
  const iterator: AsyncIterableIterator<JobLogEvent> = {
    next: () => events.next(),
    async return() {
      // ends a wait for news now; the generator's own return would wait for the next news
      await news.return?.();
      return events.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

async function* follow(deps: LogDeps, job: Job, news: AsyncIterableIterator<JobLogNews>, afterSeq: number): AsyncGenerator<JobLogEvent> {
  let last = afterSeq;
  const stored = async function* () {
    for (;;) {
      const page = await deps.jobs.readLog(job.uid, last, REPLAY_PAGE_LINES);
      for (const line of page) yield ((last = line.seq), { kind: 'line', line } as const);
      if (page.length < REPLAY_PAGE_LINES) return;
      // a long log is replayed a page per turn of the event loop, so the reader's socket takes each page
      // before the next is produced (a whole replay at once would look like a reader falling behind)
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  try {
    yield* stored();
    const end = endOf(job);
    if (end) {
      yield { kind: 'end', end };
      return;
    }
    for await (const item of news) {
      if (item.kind === 'end') {
        yield* stored(); // the log is complete before a job ends
        yield { kind: 'end', end: item.end };
        return;
      }
      const fresh = item.lines.filter((line) => line.seq > last);
      if (fresh.length === 0) continue;
      // a batch this process missed (dropped notification) is read back from the database
      if (fresh[0]!.seq !== last + 1) yield* stored();
      else for (const line of fresh) yield ((last = line.seq), { kind: 'line', line } as const);
    }
  } finally {
    await news.return?.();
  }
}

function endOf(job: Job): JobLogEnd | undefined {
  if (job.status === 'ERROR') return { status: 'ERROR', message: job.error || job.statusText || null };
  if (job.status === 'FINISHED') return { status: 'FINISHED', message: job.result || job.statusText || null };
  return undefined;
}

/** The lines of `followJobLog`, ending (instead of announcing it) when the job ends. */
export async function followJobLogLines(deps: FollowDeps, uid: string, after?: string | null): Promise<AsyncIterableIterator<JobLogLine>> {
  const events = await followJobLog(deps, uid, after);
  const lines: AsyncIterableIterator<JobLogLine> = {
    async next() {
      const next = await events.next();
      if (next.done || next.value.kind === 'end') {
        await events.return?.();
        return { done: true, value: undefined };
      }
      return { done: false, value: next.value.line };
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => lines,
  };
  return lines;
}
