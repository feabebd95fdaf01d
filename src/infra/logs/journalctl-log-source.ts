import { CoreError } from '../../core/errors.js';
import { LOG_MESSAGES } from '../../core/logs/log-pages.js';
import type { LogEntry, LogFilter, LogPageQuery, LogSource } from '../../core/logs/log-types.js';
import type { Logger } from '../../core/ports.js';
import type { CommandRunner } from '../host/command-runner.js';
import { parseJournalLine } from './journal-json.js';

// Entries asked of journalctl at a time when a page must skip empty messages.
const MIN_BATCH = 16;
const BASE_ARGS = ['--no-pager', '--quiet', '--output=json'];

/** journald through `journalctl -o json`: pages by cursor, follows with `--follow`. */
export class JournalctlLogSource implements LogSource {
  constructor(
    private readonly runner: CommandRunner,
    private readonly logger: Logger,
  ) {}

  async page(query: LogPageQuery): Promise<LogEntry[]> {
    // newest and older pages read backwards (--reverse) from the end or from the cursor, newer ones forwards
    const backwards = query.from !== 'newerThan';
    let cursor = query.from === 'newest' ? undefined : query.cursor;
    const found: LogEntry[] = [];
    while (found.length < query.limit) {
      const batch = Math.max(query.limit - found.length, MIN_BATCH);
      const position = cursor === undefined ? [] : [`--after-cursor=${cursor}`];
      const { entries, lines } = await this.read([...position, ...(backwards ? ['--reverse'] : []), `--lines=${batch}`], query.filter);
      for (const entry of entries) {
        if (found.length < query.limit && (query.keepEmpty || entry.message !== '')) found.push(entry);
      }
      if (lines < batch || entries.length === 0) break;
      cursor = entries.at(-1)!.cursor;
    }
    return backwards ? found.reverse() : found;
  }

  async *follow(filter: LogFilter, after: string | undefined, signal: AbortSignal): AsyncIterable<LogEntry> {
    const position = after === undefined ? ['--lines=0'] : [`--after-cursor=${after}`];
    const args = [...BASE_ARGS, '--follow', ...position, ...matches(filter)];
    // a follow ends when its reader leaves (signal), never by a time limit
    for await (const { stream, line } of this.runner.lines('journalctl', args, { signal, timeoutMs: Number.POSITIVE_INFINITY })) {
      if (stream === 'stderr') {
        this.logger.warn('journalctl --follow said', { line: line.slice(0, 500) });
        continue;
      }
      const entry = this.parse(line);
      if (entry) yield entry;
    }
  }

  private async read(position: string[], filter: LogFilter): Promise<{ entries: LogEntry[]; lines: number }> {
    const result = await this.runner.run('journalctl', [...BASE_ARGS, ...position, ...matches(filter)]);
    if (result.exitCode !== 0) {
      if (/cursor/i.test(result.stderr)) throw new CoreError('INVALID_INPUT', LOG_MESSAGES.unknownCursor);
      throw new CoreError('HOST_COMMAND_FAILED', 'Could not read the system journal', { cause: new Error(result.stderr.trim().slice(0, 500)) });
    }
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    return { entries: lines.map((line) => this.parse(line)).filter((e): e is LogEntry => e !== undefined), lines: lines.length };
  }

  private parse(line: string): LogEntry | undefined {
    const entry = parseJournalLine(line);
    if (!entry) this.logger.warn('skipped a journal line that is not a journal entry', { line: line.slice(0, 200) });
    return entry;
  }
}

/** journald field matches (after `--`, so a value can never be read as an option). */
function matches(filter: LogFilter): string[] {
  // journald ORs matches on one field and ANDs different fields
  const found = [...(filter.units ?? []).map((unit) => `_SYSTEMD_UNIT=${unit}`), ...(filter.slice ? [`_SYSTEMD_SLICE=${filter.slice}`] : [])];
  return found.length > 0 ? ['--', ...found] : [];
}
