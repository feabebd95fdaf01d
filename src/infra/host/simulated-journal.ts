/** One journal entry of the simulated machine. */
export interface SimulatedLogEntry {
  cursor: string;
  unit: string | null;
  message: string;
  timestamp: Date;
  priority: number;
}

const CAPACITY = 5000;

/** An in-memory systemd journal: append, read the tail of a unit, follow new entries. */
export class SimulatedJournal {
  private readonly entries: SimulatedLogEntry[] = [];
  private readonly listeners = new Set<(entry: SimulatedLogEntry) => void>();
  private sequence = 0;

  constructor(private readonly now: () => Date) {}

  append(unit: string | null, message: string, priority = 6): SimulatedLogEntry {
    this.sequence += 1;
    const entry = { cursor: `s=sim;i=${this.sequence.toString(16)}`, unit, message, timestamp: this.now(), priority };
    this.entries.push(entry);
    if (this.entries.length > CAPACITY) this.entries.shift();
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  all(): readonly SimulatedLogEntry[] {
    return this.entries;
  }

  tail(unit: string, lines: number): string[] {
    return this.entries
      .filter((e) => e.unit === unit)
      .slice(-lines)
      .map((e) => e.message);
  }

  /** Entries appended from now on (all units when `unit` is null), until `signal` aborts. */
  async *follow(unit: string | null, signal: AbortSignal): AsyncIterable<SimulatedLogEntry> {
    const pending: SimulatedLogEntry[] = [];
    let wake: (() => void) | undefined;
    const listener = (entry: SimulatedLogEntry) => {
      if (unit !== null && entry.unit !== unit) return;
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
          yield next;
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
}
