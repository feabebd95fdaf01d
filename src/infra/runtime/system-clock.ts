import type { Clock } from '../../core/ports.js';

/** Wall-clock time; `timeScale` < 1 shortens waits (demo and simulated work) for tests and demos. */
export class SystemClock implements Clock {
  constructor(private readonly timeScale = 1) {}

  now(): Date {
    return new Date();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms * this.timeScale));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
