import type { DeviceToken, NewDeviceKey, RecoveryKey } from '../../src/core/auth/auth-types.js';
import type { AuthKeyRepository, Deps, TokenRepository } from '../../src/core/ports.js';
import { MemoryAttemptLimiter } from '../../src/infra/runtime/attempt-limiter.js';
import { InMemoryPubSub } from '../../src/infra/pubsub/in-memory.pubsub.js';
import { FixedClock, silentLogger } from './fake-deps.js';

export class InMemoryTokenRepository implements TokenRepository {
  readonly rows: (DeviceToken & { tokenHash: string })[] = [];
  async list() {
    return this.rows.map(({ name, createdAt }) => ({ name, createdAt }));
  }
  async count() {
    return this.rows.length;
  }
  async findByHash(hash: string) {
    const row = this.rows.find((r) => r.tokenHash === hash);
    return row && { name: row.name, createdAt: row.createdAt };
  }
  async findByName(name: string) {
    const row = this.rows.find((r) => r.name === name);
    return row && { name: row.name, createdAt: row.createdAt };
  }
  async insert(token: DeviceToken & { tokenHash: string }) {
    if (this.rows.some((r) => r.name === token.name || r.tokenHash === token.tokenHash)) return false;
    this.rows.push({ ...token });
    return true;
  }
  async replaceHash(oldHash: string, newHash: string) {
    const row = this.rows.find((r) => r.tokenHash === oldHash);
    if (row) row.tokenHash = newHash;
    return Boolean(row);
  }
  async deleteByName(name: string) {
    const index = this.rows.findIndex((r) => r.name === name);
    return index >= 0 ? this.rows.splice(index, 1)[0]!.tokenHash : undefined;
  }
}

export class InMemoryAuthKeyRepository implements AuthKeyRepository {
  recovery?: RecoveryKey;
  newDevice?: NewDeviceKey;
  async getRecoveryKey() {
    return this.recovery && { ...this.recovery };
  }
  async saveRecoveryKey(key: RecoveryKey) {
    this.recovery = { ...key };
  }
  async spendRecoveryKey(hash: string, now: Date) {
    const key = this.recovery;
    if (!key || key.keyHash !== hash) return false;
    if (key.expiresAt && key.expiresAt < now) return false;
    if (key.usesLeft !== null && key.usesLeft <= 0) return false;
    if (key.usesLeft !== null) key.usesLeft -= 1;
    return true;
  }
  async getNewDeviceKey() {
    return this.newDevice && { ...this.newDevice };
  }
  async saveNewDeviceKey(key: NewDeviceKey) {
    this.newDevice = { ...key };
  }
  async deleteNewDeviceKey() {
    this.newDevice = undefined;
  }
  async consumeNewDeviceKey(hash: string, now: Date) {
    if (!this.newDevice || this.newDevice.keyHash !== hash || this.newDevice.expiresAt < now) return false;
    this.newDevice = undefined;
    return true;
  }
}

export type AuthDeps = Pick<Deps, 'tokens' | 'authKeys' | 'clock' | 'attempts' | 'pubsub' | 'logger'> & {
  tokens: InMemoryTokenRepository;
  authKeys: InMemoryAuthKeyRepository;
  clock: FixedClock;
};

export function makeAuthDeps(maxFailures = 1000): AuthDeps {
  return {
    tokens: new InMemoryTokenRepository(),
    authKeys: new InMemoryAuthKeyRepository(),
    clock: new FixedClock(new Date('2026-01-10T10:00:00Z')),
    attempts: new MemoryAttemptLimiter(maxFailures, 60),
    pubsub: new InMemoryPubSub(),
    logger: silentLogger,
  };
}
