import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../test/fakes/fake-deps.js';
import { SlidingWindowAttemptLimiter } from './sliding-window-limiter.js';

const WINDOW_MS = 10_000;

function limiter() {
  const clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
  return { clock, limiter: new SlidingWindowAttemptLimiter(2, WINDOW_MS, clock, 'Slow down') };
}

describe('SlidingWindowAttemptLimiter', () => {
  it('refuses the attempt past the limit with TOO_MANY_ATTEMPTS and the seconds until the oldest failure leaves the window', async () => {
    const { clock, limiter: l } = limiter();
    await l.reserve('alice');
    clock.advance(3000);
    await l.reserve('alice');

    await expect(l.reserve('alice')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS', message: 'Slow down', retryAfterSeconds: 7 });
    await l.reserve('bob'); // another key has its own attempts
  });

  it('slides: each failure frees its place exactly one window after it, and refusals add no time', async () => {
    const { clock, limiter: l } = limiter();
    await l.reserve('alice');
    clock.advance(4000);
    await l.reserve('alice');
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await expect(l.reserve('alice')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    }

    clock.advance(WINDOW_MS - 9000 - 1); // 1 ms before the first failure leaves
    await expect(l.reserve('alice')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    clock.advance(1);
    await l.reserve('alice');
    await expect(l.reserve('alice')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
  });

  it('a refunded attempt does not count', async () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 5; i++) {
      await l.reserve('alice');
      await l.refund('alice');
    }
    await l.reserve('alice');
    await l.reserve('alice');
    await expect(l.reserve('alice')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
  });

  it('keeps working past the sweep of stale keys: old keys are forgotten, live ones keep their failures', async () => {
    const { clock, limiter: l } = limiter();
    await l.reserve('alice');
    await l.reserve('alice');
    for (let i = 0; i < 1000; i++) await l.reserve(`user${i}`);
    clock.advance(WINDOW_MS);
    await l.reserve('late');
    await l.reserve('alice');

    expect((l as unknown as { attempts: Map<string, number[]> }).attempts.size).toBe(2);
  });
});
