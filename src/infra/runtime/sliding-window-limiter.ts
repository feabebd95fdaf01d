import { CoreError } from '../../core/errors.js';
import type { AttemptLimiter, Clock } from '../../core/ports.js';

// Keys are swept of stale entries once there are this many, so unused keys never pile up.
const SWEEP_ABOVE_KEYS = 1000;

/**
 * Allows `maxFailures` failed attempts per key within a sliding window of `windowMs`, on the given
 * clock. A refused attempt records nothing, so the key is free again as soon as its oldest failure
 * leaves the window: never a longer lock-out.
 */
export class SlidingWindowAttemptLimiter implements AttemptLimiter {
  // The times of each key's reserved attempts, oldest first.
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly message: string,
  ) {}

  async reserve(clientKey: string): Promise<void> {
    const now = this.clock.now().getTime();
    if (this.attempts.size >= SWEEP_ABOVE_KEYS) this.sweep(now);
    const times = this.recent(clientKey, now);
    if (times.length >= this.maxFailures) {
      const retryAfterSeconds = Math.max(1, Math.ceil((times[0]! + this.windowMs - now) / 1000));
      throw new CoreError('TOO_MANY_ATTEMPTS', this.message, { retryAfterSeconds });
    }
    times.push(now);
    this.attempts.set(clientKey, times);
  }

  async refund(clientKey: string): Promise<void> {
    const times = this.attempts.get(clientKey);
    times?.pop();
    if (times?.length === 0) this.attempts.delete(clientKey);
  }

  private recent(clientKey: string, now: number): number[] {
    return (this.attempts.get(clientKey) ?? []).filter((at) => at > now - this.windowMs);
  }

  private sweep(now: number): void {
    for (const key of this.attempts.keys()) {
      const times = this.recent(key, now);
      if (times.length === 0) this.attempts.delete(key);
      else this.attempts.set(key, times);
    }
  }
}
