import { describe, expect, it } from 'vitest';
import { InMemoryTokenRepository } from '../../../test/fakes/in-memory-auth.js';
import { FixedClock, silentLogger } from '../../../test/fakes/fake-deps.js';
import { InMemoryPubSub } from '../../infra/pubsub/in-memory.pubsub.js';
import type { PubSub } from '../ports.js';
import { authenticate, createDeviceToken, deleteDeviceToken, refreshDeviceToken } from './device-tokens.js';
import { hashSecret } from './secrets.js';
import { CachedTokenRepository, TOKEN_CACHE_TTL_MS } from './token-cache.js';

/** The in-memory store, counting the lookups that reach it. */
class CountingTokenRepository extends InMemoryTokenRepository {
  lookups = 0;
  override async findByHash(hash: string) {
    this.lookups++;
    return super.findByHash(hash);
  }
}

/** A pub/sub that can report a gap, as the PostgreSQL one does when its connection comes back. */
class GappyPubSub extends InMemoryPubSub implements PubSub {
  private readonly listeners = new Set<() => void>();
  onGap(listener: () => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  gap() {
    for (const listener of this.listeners) listener();
  }
}

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const store = new CountingTokenRepository();
  const clock = new FixedClock(new Date('2026-01-10T10:00:00Z'));
  const pubsub = new GappyPubSub();
  const tokens = new CachedTokenRepository(store, { now: () => clock.now().getTime(), ...options });
  const stop = tokens.followRevocations(pubsub);
  const deps = { tokens, clock, pubsub, logger: silentLogger };
  return { store, clock, pubsub, tokens, stop, deps };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('CachedTokenRepository', () => {
  it('answers N authenticated requests with one token from one lookup in the store', async () => {
    const { store, deps } = setup();
    const { token } = await createDeviceToken(deps, 'phone');

    const callers = [];
    for (let i = 0; i < 50; i++) callers.push(await authenticate(deps, token));

    expect(callers.every((c) => c?.device.name === 'phone')).toBe(true);
    expect(store.lookups).toBe(1);
  });

  it('asks the store again once an entry has lived TOKEN_CACHE_TTL_MS', async () => {
    const { store, clock, deps } = setup();
    const { token } = await createDeviceToken(deps, 'phone');
    await authenticate(deps, token);

    clock.advance(TOKEN_CACHE_TTL_MS - 1);
    await authenticate(deps, token);
    expect(store.lookups).toBe(1);

    clock.advance(1);
    expect((await authenticate(deps, token))?.device.name).toBe('phone');
    expect(store.lookups).toBe(2);
  });

  it('does not remember unknown tokens: each is looked up, and one created meanwhile works at once', async () => {
    const { store, tokens, deps } = setup();

    for (let i = 0; i < 20; i++) expect(await authenticate(deps, `random-${i}`)).toBeUndefined();
    expect(await authenticate(deps, 'later')).toBeUndefined();
    await store.insert({ name: 'later', createdAt: new Date(), tokenHash: hashSecret('later') });

    expect((await authenticate(deps, 'later'))?.device.name).toBe('later');
    expect(store.lookups).toBe(22);
    expect(tokens.size).toBe(1);
  });

  it('keeps at most maxEntries digests, pushing out the oldest', async () => {
    const { store, tokens, deps } = setup({ maxEntries: 3 });
    const made = [];
    for (const name of ['a', 'b', 'c', 'd']) made.push((await createDeviceToken(deps, name)).token);
    for (const token of made) await authenticate(deps, token);

    expect(tokens.size).toBe(3);
    await authenticate(deps, made[3]!);
    expect(store.lookups).toBe(4);
    await authenticate(deps, made[0]!);
    expect(store.lookups).toBe(5);
  });

  it('refuses a deleted token on the very next lookup', async () => {
    const { deps } = setup();
    const me = (await authenticate(deps, (await createDeviceToken(deps, 'me')).token))!;
    const { token } = await createDeviceToken(deps, 'phone');
    await authenticate(deps, token);

    await deleteDeviceToken(deps, me, 'phone');

    expect(await authenticate(deps, token)).toBeUndefined();
  });

  it('refuses a refreshed token\'s old value on the very next lookup; the new one works', async () => {
    const { deps } = setup();
    const { token } = await createDeviceToken(deps, 'phone');
    await authenticate(deps, token);

    const fresh = await refreshDeviceToken(deps, token);

    expect(await authenticate(deps, token)).toBeUndefined();
    expect((await authenticate(deps, fresh))?.device.name).toBe('phone');
  });

  it('forgets a digest another process announces as revoked (its store row gone behind this cache)', async () => {
    const { store, pubsub, deps } = setup();
    const { token } = await createDeviceToken(deps, 'phone');
    await authenticate(deps, token);
    await store.deleteByName('phone'); // as another process would, through the database

    await pubsub.publish('tokenRevoked', { tokenHash: hashSecret(token) });
    await settle();

    expect(await authenticate(deps, token)).toBeUndefined();
  });

  it('forgets everything when the pub/sub reports that notices may have been missed', async () => {
    const { store, pubsub, deps } = setup();
    const { token } = await createDeviceToken(deps, 'phone');
    await authenticate(deps, token);
    await store.deleteByName('phone');

    pubsub.gap();

    expect(await authenticate(deps, token)).toBeUndefined();
  });

  it('does not store the answer of a lookup that a revocation overtook', async () => {
    const { store, pubsub, deps } = setup();
    const { token } = await createDeviceToken(deps, 'phone');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = Object.assign(Object.create(store) as CountingTokenRepository, {
      findByHash: async (hash: string) => {
        const found = await store.findByHash(hash);
        await gate;
        return found;
      },
    });
    const racing = new CachedTokenRepository(slow);
    const stop = racing.followRevocations(pubsub);

    const inFlight = racing.findByHash(hashSecret(token)); // read before the delete
    await store.deleteByName('phone');
    await pubsub.publish('tokenRevoked', { tokenHash: hashSecret(token) });
    await settle();
    release();
    await inFlight;

    expect(await racing.findByHash(hashSecret(token))).toBeUndefined();
    await stop();
  });

  it('acknowledges each revocation it followed under its process id, after forgetting', async () => {
    const store = new CountingTokenRepository();
    const pubsub = new InMemoryPubSub();
    const tokens = new CachedTokenRepository(store);
    const stop = tokens.followRevocations(pubsub, { instanceId: 'process-b', logger: silentLogger });
    await store.insert({ name: 'phone', createdAt: new Date(), tokenHash: 'digest' });
    await tokens.findByHash('digest');
    await store.deleteByName('phone');
    const acknowledgements = pubsub.subscribe('tokenForgotten');

    await pubsub.publish('tokenRevoked', { tokenHash: 'digest' });

    expect((await acknowledgements.next()).value).toEqual({ tokenHash: 'digest', instanceId: 'process-b' });
    expect(await tokens.findByHash('digest')).toBeUndefined();
    await stop();
  });
});
