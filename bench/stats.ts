/** Percentile by nearest rank: the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, not ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface Spread {
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** p50, p99 and max of a set of durations in milliseconds, rounded to 0.1 ms. */
export function spread(durationsMs: readonly number[]): Spread {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    p50_ms: round(percentile(durationsMs, 50)),
    p99_ms: round(percentile(durationsMs, 99)),
    max_ms: round(percentile(durationsMs, 100)),
  };
}

/** Entries per second between the first and the last arrival; null when fewer than two arrived. */
export function ratePerSecond(count: number, firstMs: number | null, lastMs: number | null): number | null {
  if (count < 2 || firstMs === null || lastMs === null || lastMs <= firstMs) return null;
  return Math.round((count / (lastMs - firstMs)) * 1000);
}
