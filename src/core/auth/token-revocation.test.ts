import { afterEach, describe, expect, it, vi } from 'vitest';
import { FixedClock, silentLogger } from '../../../test/fakes/fake-deps.js';
import { InMemoryPubSub } from '../../infra/pubsub/in-memory.pubsub.js';
import type { InstanceRegistry } from '../ports.js';
import { REVOCATION_WAIT_MS, announceRevocation } from './token-revocation.js';

function registryOf(ids: string[]): InstanceRegistry {
  return { heartbeat: async () => {}, remove: async () => {}, alive: async () => ids };
}

function setup(ids: string[]) {
  const pubsub = new InMemoryPubSub();
  const warnings: string[] = [];
  const logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
  const deps = { pubsub, logger, instances: registryOf(ids), instanceId: 'self', clock: new FixedClock(new Date('2026-01-10T10:00:00Z')) };
  return { pubsub, deps, warnings };
}

/** Acknowledges every revocation as process `id` would once it forgot the token. */
function acknowledgeAs(pubsub: InMemoryPubSub, id: string): void {
  const revocations = pubsub.subscribe('tokenRevoked');
  void (async () => {
    for await (const { tokenHash } of revocations) await pubsub.publish('tokenForgotten', { tokenHash, instanceId: id });
  })();
}

describe('announceRevocation', () => {
  afterEach(() => vi.useRealTimers());

  it('returns only once every live process acknowledged that it forgot the token', async () => {
    const { pubsub, deps } = setup(['self', 'other']);
    acknowledgeAs(pubsub, 'self');
    const revocations = pubsub.subscribe('tokenRevoked');
    let returned = false;

    const announcing = announceRevocation(deps, 'digest').then(() => (returned = true));
    expect((await revocations.next()).value).toEqual({ tokenHash: 'digest' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(returned).toBe(false);
    await pubsub.publish('tokenForgotten', { tokenHash: 'another digest', instanceId: 'other' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(returned).toBe(false);

    await pubsub.publish('tokenForgotten', { tokenHash: 'digest', instanceId: 'other' });
    await announcing;

    expect(returned).toBe(true);
  });

  it('gives up on a silent process after REVOCATION_WAIT_MS and says so', async () => {
    vi.useFakeTimers();
    const { pubsub, deps, warnings } = setup(['self', 'dead']);
    acknowledgeAs(pubsub, 'self');
    let returned = false;

    const announcing = announceRevocation(deps, 'digest').then(() => (returned = true));
    await vi.advanceTimersByTimeAsync(REVOCATION_WAIT_MS - 1);
    expect(returned).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await announcing;

    expect(warnings).toEqual([expect.stringContaining('did not confirm')]);
  });

  it('without a registry, returns once its own notice came back', async () => {
    const pubsub = new InMemoryPubSub();
    const revocations = pubsub.subscribe('tokenRevoked');

    await announceRevocation({ pubsub, logger: silentLogger }, 'digest');

    expect((await revocations.next()).value).toEqual({ tokenHash: 'digest' });
  });
});
