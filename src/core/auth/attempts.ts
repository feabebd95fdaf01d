import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';

/**
 * Runs a key check for a client: an attempt is reserved before the check (so aliases in one request
 * and concurrent requests all count) and given back unless the check failed with `counts`.
 */
export async function withAttemptLimit<T>(
  deps: Pick<Deps, 'attempts'>,
  clientKey: string,
  counts: CoreError['code'],
  check: () => Promise<T>,
): Promise<T> {
  await deps.attempts.reserve(clientKey);
  try {
    const result = await check();
    await deps.attempts.refund(clientKey);
    return result;
  } catch (err) {
    if (!(err instanceof CoreError && err.code === counts)) await deps.attempts.refund(clientKey);
    throw err;
  }
}
