import type { Clock } from '../../core/ports.js';

/** Wall-clock time; `timeScale` < 1 shortens waits (demo and simulated work) for tests and demos. */
export class SystemClock implements Clock {
  constructor(private readonly timeScale = 1) {}

  now(): Date {
    return new Date();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms * this.timeScale)));
  }
}
