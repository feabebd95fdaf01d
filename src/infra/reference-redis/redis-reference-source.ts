import type { RedisHash, ReferenceBackupRecords, ReferenceRecords, ReferenceSource } from '../../core/migration/reference-source.js';
import type { RedisEndpoint } from './redis-url.js';

const CONNECT_TIMEOUT_MS = 3000;
// a Redis that accepts the connection but stops answering fails the import instead of holding it
const SOCKET_TIMEOUT_MS = 10_000;
// The reference's databases (spec §0): tokens and backups in 0, e-mail passwords in 1.
const MAIN_DB = 0;
const USERPANEL_DB = 1;
const EMAIL_PASSWORD_KEY = /^priv\/user\/([^/]+)\/passwords\/([^/]+)$/;
const LAST_BACKUP_PREFIX = 'backups:last-backed-up:';

// Loaded when an import runs: a server that never imports from the reference does not carry the client.
async function makeClient({ socket, username, password }: RedisEndpoint, database: number) {
  const { createClient } = await import('@redis/client');
  return createClient({
    socket: { ...socket, connectTimeout: CONNECT_TIMEOUT_MS, socketTimeout: SOCKET_TIMEOUT_MS, reconnectStrategy: false },
    username,
    password,
    database,
    // no command may wait for a reconnection: a connection that drops fails the import at once
    disableOfflineQueue: true,
  });
}

type Client = Awaited<ReturnType<typeof makeClient>>;

/** Reads the reference API's keys (spec §14.3) from its Redis, read-only: nothing there is changed. */
export class RedisReferenceSource implements ReferenceSource {
  constructor(private readonly endpoint: RedisEndpoint) {}

  async read(): Promise<ReferenceRecords> {
    return this.withClient(MAIN_DB, async (main) => {
      const deviceTokens = await hashesMatching(main, 'token_repo:tokens:*');
      const recoveryKey = await hashAt(main, 'token_repo:recovery_key');
      const newDeviceKey = await hashAt(main, 'token_repo:new_device_key');
      const backup = await readBackup(main);
      const emailPasswords = await this.withClient(USERPANEL_DB, readEmailPasswords);
      return { deviceTokens, recoveryKey, newDeviceKey, emailPasswords, backup };
    });
  }

  private async withClient<T>(database: number, use: (client: Client) => Promise<T>): Promise<T> {
    const { label } = this.endpoint;
    let lastError: unknown;
    const client = await makeClient(this.endpoint, database);
    client.on('error', (err: unknown) => {
      lastError = err;
    });
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`Cannot reach the reference's Redis at ${label}: ${reasonOf(lastError ?? err)}`);
    }
    try {
      return await use(client);
    } catch (err) {
      throw new Error(`Cannot read the reference's Redis at ${label}: ${reasonOf(err)}`);
    } finally {
      client.destroy();
    }
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.message;
  return String(err);
}

async function keysMatching(client: Client, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 100 })) keys.push(...batch);
  return keys.sort();
}

async function hashAt(client: Client, key: string): Promise<RedisHash | undefined> {
  const hash = await client.hGetAll(key);
  return Object.keys(hash).length === 0 ? undefined : hash;
}

async function hashesMatching(client: Client, pattern: string): Promise<RedisHash[]> {
  const hashes: RedisHash[] = [];
  for (const key of await keysMatching(client, pattern)) {
    const hash = await hashAt(client, key);
    if (hash) hashes.push(hash);
  }
  return hashes;
}

async function readBackup(client: Client): Promise<ReferenceBackupRecords> {
  const lastBackedUp: ReferenceBackupRecords['lastBackedUp'] = [];
  for (const key of await keysMatching(client, `${LAST_BACKUP_PREFIX}*`)) {
    const fields = await hashAt(client, key);
    if (fields) lastBackedUp.push({ serviceId: key.slice(LAST_BACKUP_PREFIX.length), fields });
  }
  const initialized = (await client.exists(['backups:repo_initted', 'backups:initted_services:'])) > 0;
  return {
    provider: await hashAt(client, 'backups:provider'),
    autobackupPeriod: (await client.get('backups:autobackup_period')) ?? undefined,
    quotas: await hashAt(client, 'backups:autobackup_quotas_key'),
    initialized,
    localSecret: (await client.get('backup:local_secret')) ?? undefined,
    lastBackedUp,
  };
}

async function readEmailPasswords(client: Client): Promise<ReferenceRecords['emailPasswords']> {
  const entries: ReferenceRecords['emailPasswords'] = [];
  for (const key of await keysMatching(client, 'priv/user/*/passwords/*')) {
    const match = EMAIL_PASSWORD_KEY.exec(key);
    const fields = match && (await hashAt(client, key));
    if (match && fields) entries.push({ username: match[1]!, uuid: match[2]!, fields });
  }
  return entries;
}
