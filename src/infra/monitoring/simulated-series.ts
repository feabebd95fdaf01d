// Plausible metrics of the demo server as pure functions of time (epoch seconds): the same instant
// always gives the same value, so charts are stable across requests and processes.

const TAU = 2 * Math.PI;
const MIB = 1024 * 1024;

// A repeatable pseudo-random number in [0, 1) for an integer and a seed (a small integer hash).
function hash(seed: number, n: number): number {
  let h = (Math.imul(n | 0, 0x9e3779b1) ^ Math.imul(seed | 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** Smooth noise in [0, 1): random points every `period` seconds, eased in between. */
function noise(seed: number, t: number, period = 60): number {
  const x = t / period;
  const i = Math.floor(x);
  const f = x - i;
  const ease = f * f * (3 - 2 * f);
  return hash(seed, i) * (1 - ease) + hash(seed, i + 1) * ease;
}

const wave = (t: number, period: number, phase = 0) => Math.sin(TAU * (t / period) + phase);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** CPU busy percent: a daily rhythm, a quarter-hour cron wave and jitter. */
export function cpuPercent(t: number): number {
  return clamp(14 + 7 * wave(t, 86_400) + 5 * Math.max(0, wave(t, 900)) + 9 * noise(1, t), 0.5, 100);
}

/** Memory in use, percent. */
export function memoryPercent(t: number): number {
  return clamp(41 + 5 * wave(t, 7_200) + 3 * noise(2, t, 120), 5, 99);
}

/** Swap in use, percent (little, slowly drifting). */
export function swapPercent(t: number): number {
  return clamp(3 + 1.5 * wave(t, 21_600, 1) + noise(3, t, 600), 0, 100);
}

/** Used space of a filesystem, percent: its current usage with a slight drift (logs, caches). */
export function diskPercent(basePercent: number, seed: number, t: number): number {
  return clamp(basePercent + 0.4 * wave(t, 3_600, seed) + 0.2 * noise(10 + seed, t, 300), 0, 100);
}

/** Bytes per second on the public interface: downloads come in bursts, uploads are about a third. */
export function networkBytesPerSecond(direction: 'receive' | 'transmit', t: number): number {
  const base = 18_000 + 60_000 * Math.max(0, wave(t, 1_800)) ** 3 + 25_000 * noise(4, t, 30);
  return direction === 'receive' ? base : base * 0.35 + 4_000 * noise(5, t, 45);
}

/** Memory (RSS plus swap, bytes) of a service slice whose usual footprint is `baseMib`. */
export function sliceMemoryBytes(baseMib: number, seed: number, t: number): number {
  return Math.round(baseMib * MIB * (1 + 0.12 * wave(t, 5_400, seed) + 0.08 * noise(20 + seed, t, 90)));
}
