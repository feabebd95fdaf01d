import { createHash, randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { toMnemonic } from '../../src/core/auth/secrets.js';
import { naiveLocalIso, utcIso } from '../../src/core/time/iso-format.js';

// Writes keys exactly as the reference API does (selfprivacy_api: repositories/tokens/redis_tokens_repository.py,
// repositories/email_password/email_password_redis_repository.py, backup/storage.py, backup/local_secret.py,
// utils/redis_model_storage.py): every value a string, null as "None", dates by Python's isoformat().

type Client = ReturnType<typeof createClient>;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** A reference device token: `secrets.token_urlsafe(32)`, created at the naive local `datetime.now()`. */
export function referenceToken(deviceName: string, createdAt: Date) {
  return { token: randomBytes(32).toString('base64url'), device_name: deviceName, created_at: naiveLocalIso(createdAt) };
}

export class ReferenceRedisSeed {
  private constructor(
    private readonly db0: Client,
    private readonly db1: Client,
  ) {}

  static async connect(socketPath: string): Promise<ReferenceRedisSeed> {
    const open = async (database: number) => {
      const client = createClient({ socket: { path: socketPath, tls: false }, database });
      client.on('error', () => {});
      await client.connect();
      return client as Client;
    };
    return new ReferenceRedisSeed(await open(0), await open(1));
  }

  async close(): Promise<void> {
    this.db0.destroy();
    this.db1.destroy();
  }

  /** `_store_token`: the hash under the md5 of the device name. */
  async storeToken(token: { token: string; device_name: string; created_at: string }): Promise<void> {
    await this.db0.hSet(`token_repo:tokens:${md5(token.device_name)}`, token);
  }

  /** `create_recovery_key`: 24 random bytes as hex; returns the phrase the app was shown. */
  async createRecoveryKey(expiresAt: Date | null, usesLeft: number | null, createdAt = new Date()): Promise<string> {
    const key = randomBytes(24);
    await this.db0.hSet('token_repo:recovery_key', {
      key: key.toString('hex'),
      created_at: utcIso(createdAt),
      expires_at: expiresAt ? utcIso(expiresAt) : 'None',
      uses_left: usesLeft === null ? 'None' : String(usesLeft),
    });
    return toMnemonic(new Uint8Array(key));
  }

  /** `get_new_device_key`: 16 random bytes, valid ten minutes from `createdAt`; returns the phrase. */
  async createNewDeviceKey(createdAt = new Date()): Promise<string> {
    const key = randomBytes(16);
    await this.db0.hSet('token_repo:new_device_key', {
      key: key.toString('hex'),
      created_at: utcIso(createdAt),
      expires_at: utcIso(new Date(createdAt.getTime() + 10 * 60_000)),
    });
    return toMnemonic(new Uint8Array(key));
  }

  /** `add_email_password_hash` (DB 1), with EXPIREAT when the entry expires, and a `last_used` when given. */
  async addEmailPassword(
    username: string,
    uuid: string,
    entry: { hash: string; displayName: string; createdAt: Date; expiresAt?: Date; lastUsed?: Date },
  ): Promise<void> {
    const key = `priv/user/${username}/passwords/${uuid}`;
    const fields: Record<string, string> = { password: entry.hash, display_name: entry.displayName, created_at: utcIso(entry.createdAt) };
    if (entry.expiresAt) fields.expires_at = utcIso(entry.expiresAt);
    await this.db1.hSet(key, fields);
    if (entry.expiresAt) await this.db1.expireAt(key, Math.floor(entry.expiresAt.getTime() / 1000));
    if (entry.lastUsed) await this.db1.hSet(key, 'last_used', utcIso(entry.lastUsed));
  }

  /** `Storage.store_provider`, `mark_as_init`, the period, the quotas and `LocalBackupSecret.set`. */
  async storeBackupConfiguration(config: {
    kind: string;
    login: string;
    key: string;
    location: string;
    repoId: string;
    periodMinutes?: number;
    quotas?: { last: number; daily: number; weekly: number; monthly: number; yearly: number };
    localSecret: string;
  }): Promise<void> {
    await this.db0.hSet('backups:provider', {
      kind: config.kind,
      login: config.login,
      key: config.key,
      location: config.location,
      repo_id: config.repoId,
    });
    await this.db0.set('backups:initted_services:', '1');
    if (config.periodMinutes !== undefined) await this.db0.set('backups:autobackup_period', String(config.periodMinutes));
    if (config.quotas) {
      await this.db0.hSet('backups:autobackup_quotas_key', Object.fromEntries(Object.entries(config.quotas).map(([k, v]) => [k, String(v)])));
    }
    await this.db0.set('backup:local_secret', config.localSecret);
  }

  /** `Storage.store_last_timestamp`: the service's last snapshot as a hash. */
  async storeLastBackup(serviceId: string, snapshot: { id: string; createdAt: Date; reason: string }): Promise<void> {
    await this.db0.hSet(`backups:last-backed-up:${serviceId}`, {
      id: snapshot.id,
      service_name: serviceId,
      created_at: utcIso(snapshot.createdAt),
      reason: snapshot.reason,
    });
  }

  /** Every key of both databases with its value, to show that an import reads without changing anything. */
  async dump(): Promise<string> {
    const out: string[] = [];
    for (const client of [this.db0, this.db1]) {
      for (const key of (await client.keys('*')).sort()) {
        const type = await client.type(key);
        const value = type === 'hash' ? await client.hGetAll(key) : await client.get(key);
        out.push(`${key}=${JSON.stringify(value)}`);
      }
    }
    return out.join('\n');
  }
}
