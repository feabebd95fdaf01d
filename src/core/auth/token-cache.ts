import type { DeviceToken } from './auth-types.js';
import type { Logger, PubSub, TokenRepository } from '../ports.js';

/**
 * How long a found token is trusted without asking the database again. Revocations reach every
 * process at once (below); the lifetime is only the safety net for a notice that got lost (the link
 * to the database broke while another process revoked a token), so it bounds how long such a token
 * could still work here: 10 s, against one lookup per token every 10 s.
 */
export const TOKEN_CACHE_TTL_MS = 10_000;
/** Devices are a handful; only tokens that exist are kept, so presenting random tokens never grows the cache. */
export const TOKEN_CACHE_MAX_ENTRIES = 1000;

interface Entry {
  device: DeviceToken;
  expiresAt: number;
}

/**
 * The token store, remembering for a short while which device a token digest belongs to, so an
 * authenticated request needs no database lookup. Rules:
 * - only tokens found are remembered: a token created anywhere (another process, the CLI, an import,
 *   a pairing) is looked up on its first use, so it works at once;
 * - a digest is forgotten at once when this process deletes or replaces it, and when any process
 *   sharing the database announces its revocation (`tokenRevoked`); everything is forgotten when
 *   the pub/sub says notices may have been missed;
 * - a lookup that started before a forget does not store its (possibly stale) answer;
 * - no writer renames a device or changes its creation date, so a remembered device stays right until
 *   its token is deleted or replaced.
 */
export class CachedTokenRepository implements TokenRepository {
  private readonly entries = new Map<string, Entry>();
  // bumped by every forget: a lookup stores its answer only if none happened while it ran
  private generation = 0;

  constructor(
    private readonly inner: TokenRepository,
    private readonly options: { now?: () => number; ttlMs?: number; maxEntries?: number } = {},
  ) {}

  async findByHash(tokenHash: string): Promise<DeviceToken | undefined> {
    const now = this.now();
    const entry = this.entries.get(tokenHash);
    if (entry && entry.expiresAt > now) return { ...entry.device };
    if (entry) this.entries.delete(tokenHash);
    const generation = this.generation;
    const device = await this.inner.findByHash(tokenHash);
    if (device && generation === this.generation) this.remember(tokenHash, device);
    return device;
  }

  list(): Promise<DeviceToken[]> {
    return this.inner.list();
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  findByName(name: string): Promise<DeviceToken | undefined> {
    return this.inner.findByName(name);
  }

  insert(token: DeviceToken & { tokenHash: string }): Promise<boolean> {
    return this.inner.insert(token);
  }

  async replaceHash(oldHash: string, newHash: string): Promise<boolean> {
    // forgotten before and after: a lookup racing the update cannot leave the old digest behind
    this.forget(oldHash);
    try {
      return await this.inner.replaceHash(oldHash, newHash);
    } finally {
      this.forget(oldHash);
    }
  }

  async deleteByName(name: string): Promise<string | undefined> {
    this.generation++;
    const deleted = await this.inner.deleteByName(name);
    if (deleted) this.forget(deleted);
    return deleted;
  }

  /** Forgets one digest (its token was deleted or replaced). */
  forget(tokenHash: string): void {
    this.generation++;
    this.entries.delete(tokenHash);
  }

  /** Forgets every digest (revocation notices may have been missed). */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Remembered digests (expired ones included until they are next asked for or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Forgets digests as any process sharing the database announces their revocation, and everything
   * when the pub/sub may have missed notices; returns a function that stops listening. With
   * `acknowledge`, each forgotten digest is acknowledged as `tokenForgotten` under this process's id:
   * the revoking call waits for that (token-revocation.ts).
   */
  followRevocations(pubsub: PubSub, acknowledge?: { instanceId: string; logger: Logger }): () => Promise<void> {
    const revocations = pubsub.subscribe('tokenRevoked');
    const stopGaps = pubsub.onGap?.(() => this.forgetAll());
    void (async () => {
      for await (const { tokenHash } of revocations) {
        this.forget(tokenHash);
        if (!acknowledge) continue;
        pubsub.publish('tokenForgotten', { tokenHash, instanceId: acknowledge.instanceId }).catch((err: unknown) => {
          acknowledge.logger.warn('could not acknowledge a revoked device token; its revoking call waits for its time limit', { error: String(err) });
        });
      }
    })();
    return async () => {
      stopGaps?.();
      await revocations.return?.();
    };
  }

  private remember(tokenHash: string, device: DeviceToken): void {
    this.entries.delete(tokenHash);
    if (this.entries.size >= this.maxEntries()) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(tokenHash, { device: { ...device }, expiresAt: this.now() + (this.options.ttlMs ?? TOKEN_CACHE_TTL_MS) });
  }

  private maxEntries(): number {
    return this.options.maxEntries ?? TOKEN_CACHE_MAX_ENTRIES;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}
