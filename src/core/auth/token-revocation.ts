import type { Deps } from '../ports.js';
import { hashSecret } from './secrets.js';

/** The key under which a token's revocation is announced and its open sockets are found: its stored digest. */
export function revocationKey(token: string): string {
  return hashSecret(token);
}

/**
 * Tells every process sharing the database that a token no longer authenticates, so sockets
 * opened with it close at once. Only the digest travels. A failed announcement is logged, not
 * raised: the token is already gone, and sockets re-check their caller before each operation.
 */
export async function announceRevocation(deps: Pick<Deps, 'pubsub' | 'logger'>, tokenHash: string): Promise<void> {
  try {
    await deps.pubsub.publish('tokenRevoked', { tokenHash });
  } catch (err) {
    deps.logger.error('could not announce a revoked device token; its sockets are refused at their next operation', {
      error: String(err),
    });
  }
}
