import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AUTH_MESSAGES } from '../../core/auth/auth-messages.js';
import { CoreError } from '../../core/errors.js';
import type { AttemptLimiter } from '../../core/ports.js';

/** Blocks a client address after `maxFailures` failed key attempts within `windowSeconds`. */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly maxFailures: number, windowSeconds: number) {
    this.limiter = new RateLimiterMemory({ points: maxFailures, duration: windowSeconds });
  }

  async check(clientKey: string): Promise<void> {
    const state = await this.limiter.get(clientKey);
    if (state && state.consumedPoints >= this.maxFailures) {
      throw new CoreError('TOO_MANY_ATTEMPTS', AUTH_MESSAGES.tooManyAttempts, {
        retryAfterSeconds: Math.ceil(state.msBeforeNext / 1000),
      });
    }
  }

  async recordFailure(clientKey: string): Promise<void> {
    await this.limiter.penalty(clientKey, 1);
  }
}
