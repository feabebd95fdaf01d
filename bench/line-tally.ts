/** Counts the numbered lines `bench line <i>` a stream delivered: arrivals, distinct numbers, first and last arrival. */
export class LineTally {
  private readonly seen: Uint8Array;
  received = 0;
  distinct = 0;
  firstMs: number | null = null;
  lastMs: number | null = null;
  lastArrival = performance.now();

  constructor(readonly lines: number) {
    this.seen = new Uint8Array(lines + 1);
  }

  /** Records every `bench line <i>` in `text`, arrived at `at` (performance.now()). */
  add(text: string, at: number): void {
    this.lastArrival = at;
    const pattern = /bench line (\d+)/g;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const i = Number(m[1]);
      this.received += 1;
      this.firstMs ??= at;
      this.lastMs = at;
      if (i >= 1 && i <= this.lines && this.seen[i] === 0) {
        this.seen[i] = 1;
        this.distinct += 1;
      }
    }
  }

  get complete(): boolean {
    return this.distinct >= this.lines;
  }

  summary() {
    return { lines: this.lines, received: this.received, distinct: this.distinct, firstMs: this.firstMs, lastMs: this.lastMs };
  }
}
