import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredEntry } from './simulated-journal.js';

// Lines per file: the current file and one older one, so the journal never exceeds twice this on disk.
const SEGMENT_LINES = 10_000;

/**
 * The simulated journal on disk: JSON lines in `current.jsonl`; a full file becomes `previous.jsonl`
 * (replacing the one before), as journald rotates and vacuums its files. Writes are synchronous, so
 * the file order is the append order.
 */
export class JournalSegments {
  private currentLines: number;

  constructor(
    readonly dir: string,
    private readonly onUnreadable: (file: string, line: number) => void = () => {},
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const current = join(dir, 'current.jsonl');
    this.currentLines = existsSync(current) ? readFileSync(current, 'utf8').split('\n').length - 1 : 0;
  }

  /** Every stored entry, oldest first; unreadable lines are skipped (reported through `onUnreadable`). */
  load(): StoredEntry[] {
    return [...this.read('previous.jsonl'), ...this.read('current.jsonl')];
  }

  append(entries: readonly StoredEntry[]): void {
    let rest = entries;
    while (rest.length > 0) {
      const room = SEGMENT_LINES - this.currentLines;
      if (room <= 0) {
        renameSync(join(this.dir, 'current.jsonl'), join(this.dir, 'previous.jsonl'));
        this.currentLines = 0;
        continue;
      }
      const chunk = rest.slice(0, room);
      appendFileSync(join(this.dir, 'current.jsonl'), chunk.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
      this.currentLines += chunk.length;
      rest = rest.slice(room);
    }
  }

  private read(name: string): StoredEntry[] {
    const file = join(this.dir, name);
    if (!existsSync(file)) return [];
    const entries: StoredEntry[] = [];
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line === '') return;
        try {
          const raw = JSON.parse(line) as StoredEntry & { timestamp: string };
          entries.push({ ...raw, timestamp: new Date(raw.timestamp) });
        } catch {
          this.onUnreadable(file, index + 1);
        }
      });
    return entries;
  }
}
