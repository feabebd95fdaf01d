import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AUTH_MESSAGES } from '../../core/auth/auth-messages.js';
import { CoreError } from '../../core/errors.js';
import type { AttemptLimiter } from '../../core/ports.js';

/** Allows a client `maxFailures` failed key attempts within `windowSeconds`; each attempt is reserved first. */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(maxFailures: number, windowSeconds: number) {
    this.limiter = new RateLimiterMemory({ points: maxFailures, duration: windowSeconds });
  }

  async reserve(clientKey: string): Promise<void> {
    try {
      await this.limiter.consume(clientKey, 1);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // the refused attempt took nothing: the block ends with the window of the failures before it
      await this.limiter.reward(clientKey, 1);
      throw new CoreError('TOO_MANY_ATTEMPTS', AUTH_MESSAGES.tooManyAttempts, { retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) });
    }
  }

  async refund(clientKey: string): Promise<void> {
    await this.limiter.reward(clientKey, 1);
  }
}
