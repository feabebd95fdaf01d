import type { Deps } from '../ports.js';
import { hashSecret } from './secrets.js';

/**
 * How long a revoking call waits for its own notice to come back through the pub/sub before it
 * answers anyway (the link to the database is down: other processes then forget the token when
 * their cache entry expires or the link is back).
 */
export const REVOCATION_ECHO_WAIT_MS = 2_000;

/** The key under which a token's revocation is announced and its open sockets are found: its stored digest. */
export function revocationKey(token: string): string {
  return hashSecret(token);
}

/**
 * Tells every process sharing the database that a token no longer authenticates, so their caches
 * forget it and sockets opened with it close at once. Only the digest travels. A failed announcement
 * is logged, not raised: the token is already gone, and sockets re-check their caller before each
 * operation.
 *
 * It returns once its own notice came back through the pub/sub (at most REVOCATION_ECHO_WAIT_MS), so
 * the caller's answer, and so the caller's next request, comes after the notice was handed to every
 * process: PostgreSQL queues a NOTIFY for every listening session when the publishing transaction
 * commits, and each listening session, idle, sends it on at once, ours and the other processes' alike
 * (with PGlite there is one process, whose pub/sub delivers while publishing). Without the wait, the
 * answer could overtake the commit of the notice itself. What the echo cannot prove is that another
 * process has already *read* the notice: if its database session were slower to send it than ours, or
 * its event loop took the next request in before reading it, that request could still be served from
 * its cache. Closing even that would take an acknowledgement from every process for each revocation (or
 * a database round trip per request, which the cache exists to avoid); what is left is a socket read
 * racing a client's whole round trip (our answer, its next request), and the cache's lifetime bounds a
 * notice that is lost altogether.
 */
export async function announceRevocation(deps: Pick<Deps, 'pubsub' | 'logger'>, tokenHash: string): Promise<void> {
  // subscribed before publishing, so the echo cannot pass by unseen
  const echoes = deps.pubsub.subscribe('tokenRevoked');
  let echoed = false;
  const timer = setTimeout(() => void echoes.return?.(), REVOCATION_ECHO_WAIT_MS);
  try {
    await deps.pubsub.publish('tokenRevoked', { tokenHash });
    for await (const notice of echoes) {
      if (notice.tokenHash === tokenHash) {
        echoed = true;
        break;
      }
    }
    if (!echoed) deps.logger.warn('a revoked device token\'s notice did not come back in time; other processes forget it when their cache expires');
  } catch (err) {
    deps.logger.error('could not announce a revoked device token; its sockets are refused at their next operation', {
      error: String(err),
    });
  } finally {
    clearTimeout(timer);
    await echoes.return?.();
  }
}
