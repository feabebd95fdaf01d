import type { WebSocket } from 'ws';
import type { PubSub } from '../core/ports.js';

/** The 4403 the protocol uses for a refused connection: the token no longer authenticates. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/** Open sockets under the digest of the token they authenticated with, so a revocation can find them. */
export class SocketsByToken {
  private readonly sockets = new Map<string, Set<WebSocket>>();

  /** Remembers `socket` under `tokenHash` until it closes. */
  add(tokenHash: string, socket: WebSocket): void {
    const set = this.sockets.get(tokenHash) ?? new Set();
    this.sockets.set(tokenHash, set);
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.sockets.get(tokenHash) === set) this.sockets.delete(tokenHash);
    });
  }

  /** Closes every socket opened with the revoked token (their subscriptions end with them). */
  closeRevoked(tokenHash: string): void {
    for (const socket of this.sockets.get(tokenHash) ?? []) socket.close(FORBIDDEN_CLOSE_CODE, 'Forbidden');
  }

  /**
   * Closes sockets as revocations arrive from any process sharing the database; returns a
   * function that stops listening.
   */
  followRevocations(pubsub: PubSub): () => Promise<void> {
    const revocations = pubsub.subscribe('tokenRevoked');
    void (async () => {
      for await (const { tokenHash } of revocations) this.closeRevoked(tokenHash);
    })();
    return async () => void (await revocations.return?.());
  }
}
