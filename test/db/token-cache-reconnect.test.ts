import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedTokenRepository } from '../../src/core/auth/token-cache.js';
import { type Database, openPostgres } from '../../src/infra/db/database.js';
import { DrizzleTokenRepository } from '../../src/infra/db/drizzle-token.repository.js';
import { PostgresPubSub } from '../../src/infra/pubsub/postgres.pubsub.js';
import { eventually } from '../e2e/services-helpers.js';
import { silentLogger } from '../fakes/fake-deps.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

// Notices sent while a process's LISTEN connection is down never reach it: when the connection comes
// back, the process forgets every remembered token rather than trust what it may have missed.

describe.runIf(TEST_DATABASE_URL)('remembered tokens when the pub/sub connection to PostgreSQL is lost', () => {
  let target: { url: string; drop(): Promise<void> };
  let database: Database;
  let pubsub: PostgresPubSub;

  beforeAll(async () => {
    target = await createTestDatabase();
    database = await openPostgres(target.url);
    pubsub = new PostgresPubSub(database.sql!, database.db, silentLogger);
    await pubsub.start();
  }, 60_000);

  afterAll(async () => {
    await pubsub?.close();
    await database?.close();
    await target?.drop();
  });

  it('forgets every token once the LISTEN connection is back; a token deleted meanwhile is refused', async () => {
    const store = new DrizzleTokenRepository(database.db);
    const tokens = new CachedTokenRepository(store, { ttlMs: 60_000 }); // far beyond this test: only the reconnection can make it forget
    const stop = tokens.followRevocations(pubsub);
    await store.insert({ name: 'phone', createdAt: new Date('2026-01-10T10:00:00Z'), tokenHash: 'phone-digest' });
    expect((await tokens.findByHash('phone-digest'))?.name).toBe('phone');

    // deleted by another process whose notice this one misses: its LISTEN connection is cut meanwhile
    const admin = postgres(target.url, { max: 1, onnotice: () => {} });
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%'`;
    await admin`delete from device_tokens where name = 'phone'`;
    await admin.end();

    await eventually(async () => ((await tokens.findByHash('phone-digest')) === undefined ? true : undefined), 15_000);
    await stop();
  }, 30_000);
});
