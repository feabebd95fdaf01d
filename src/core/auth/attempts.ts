import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';

/**
 * Runs a key check for a client address: refused while the address is blocked,
 * and a failure of the kind `counts` is recorded against it.
 */
export async function withAttemptLimit<T>(
  deps: Pick<Deps, 'attempts'>,
  clientKey: string,
  counts: CoreError['code'],
  check: () => Promise<T>,
): Promise<T> {
  await deps.attempts.check(clientKey);
  try {
    return await check();
  } catch (err) {
    if (err instanceof CoreError && err.code === counts) await deps.attempts.recordFailure(clientKey);
    throw err;
  }
}
