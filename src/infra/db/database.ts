import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** An open database: drizzle on top, plus the raw postgres.js client when on a real server. */
export interface Database {
  kind: 'pglite' | 'postgres';
  /** Where it lives, for the start-up log (never includes a password). */
  description: string;
  db: Db;
  /** Present on a real PostgreSQL: used for LISTEN/NOTIFY. */
  sql?: Sql;
  close(): Promise<void>;
}

/** Opens PostgreSQL at `url` through postgres.js and applies pending migrations under an advisory lock. */
export async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const migrationClient = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Several API processes may start together: one migrates, the others wait.
    await migrationClient`select pg_advisory_lock(727274)`;
    await migrate(drizzle(migrationClient), { migrationsFolder: MIGRATIONS_FOLDER });
    await migrationClient`select pg_advisory_unlock(727274)`;
  } finally {
    await migrationClient.end();
  }
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzle(sql, { schema }) as unknown as Db;
  return { kind: 'postgres', description: describeUrl(url), db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** Opens the embedded PGlite database in `dir` (created if needed; in memory without a dir) and migrates it. */
export async function openPglite(dir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dir) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  const description = dir ? `PGlite in ${dir}` : 'PGlite in memory';
  return { kind: 'pglite', description, db: db as unknown as Db, close: () => client.close() };
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname || 'local socket'}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
