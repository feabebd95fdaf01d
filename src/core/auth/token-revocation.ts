import type { Deps } from '../ports.js';
import { hashSecret } from './secrets.js';

/**
 * How long a revoking call waits for every process to confirm it forgot the token before it answers
 * anyway (a process died without saying so, or the link to the database is down: such a process
 * forgets the token when its cache entry expires or its link is back).
 */
export const REVOCATION_WAIT_MS = 2_000;
/** Processes heard from this recently (three heartbeats) are waited for. */
const ALIVE_WINDOW_MS = 30_000;

type AnnouncingDeps = Pick<Deps, 'pubsub' | 'logger'> & Partial<Pick<Deps, 'instances' | 'instanceId' | 'clock'>>;

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
 * It returns once every live API process (the instance registry's, and this one) has acknowledged that
 * it forgot the token (`tokenForgotten`), at most REVOCATION_WAIT_MS, so the caller's next request is
 * refused by whichever process it reaches. Waiting only for our own notice to come back would not be
 * enough: PostgreSQL queues a NOTIFY for every listener at commit, but whether another process has *read*
 * it when the caller's next request arrives there is a race between two sockets (seen in practice on a
 * busy machine). The registry is read after the token's row is gone: a process that registers later
 * starts serving after that and cannot have remembered the token. Without a registry (unit tests), the
 * call waits for its own notice to come back.
 */
export async function announceRevocation(deps: AnnouncingDeps, tokenHash: string): Promise<void> {
  const acknowledgements = deps.pubsub.subscribe('tokenForgotten');
  const echoes = deps.pubsub.subscribe('tokenRevoked');
  try {
    const awaited = await processesToHearFrom(deps);
    await deps.pubsub.publish('tokenRevoked', { tokenHash });
    if (awaited) {
      const heard = await waitFor(acknowledgements, (ack) => ack.tokenHash === tokenHash && awaited.delete(ack.instanceId) && awaited.size === 0);
      if (!heard && awaited.size > 0) {
        deps.logger.warn('some API processes did not confirm they forgot a revoked device token in time; they forget it when their cache expires', {
          processes: awaited.size,
        });
      }
    } else {
      await waitFor(echoes, (notice) => notice.tokenHash === tokenHash);
    }
  } catch (err) {
    deps.logger.error('could not announce a revoked device token; its sockets are refused at their next operation', {
      error: String(err),
    });
  } finally {
    await acknowledgements.return?.();
    await echoes.return?.();
  }
}

/** This process and every other heard from lately; undefined without a registry (or when it cannot be read). */
async function processesToHearFrom(deps: AnnouncingDeps): Promise<Set<string> | undefined> {
  if (!deps.instances || !deps.instanceId || !deps.clock) return undefined;
  try {
    const since = new Date(deps.clock.now().getTime() - ALIVE_WINDOW_MS);
    return new Set([deps.instanceId, ...(await deps.instances.alive(since))]);
  } catch (err) {
    deps.logger.warn('could not list the API processes to wait for after revoking a device token', { error: String(err) });
    return undefined;
  }
}

/** Reads `items` until `done` says so (true) or REVOCATION_WAIT_MS have passed (false). */
async function waitFor<T>(items: AsyncIterableIterator<T>, done: (item: T) => boolean): Promise<boolean> {
  const timer = setTimeout(() => void items.return?.(), REVOCATION_WAIT_MS);
  try {
    for await (const item of items) if (done(item)) return true;
    return false;
  } finally {
    clearTimeout(timer);
  }
}
