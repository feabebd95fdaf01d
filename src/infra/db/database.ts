import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import { makeOwnerOnly } from '../files/owner-only.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/**
 * A freshly initialised and migrated embedded database (a closed PGlite data folder) that a first start copies
 * instead of running initdb: seconds of CPU, and a second WebAssembly instance alive meanwhile whose hundreds of MB
 * the process never gives back. The build writes it beside the compiled sources (`npm start` builds them); run from
 * the TypeScript sources, there is none and the first start runs initdb.
 */
export const PGLITE_TEMPLATE = fileURLToPath(new URL('../../pglite-template', import.meta.url));

/**
 * PostgreSQL's memory settings sized for a small server's few thousand rows: PGlite's WebAssembly memory
 * grows to what PostgreSQL touches and never shrinks, and its defaults (128 MB of shared buffers) are a
 * dedicated database server's.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB', 'maintenance_work_mem=16MB', 'temp_buffers=2MB'];

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

/**
 * Opens the embedded PGlite database in `dir` (created if needed; in memory without a dir) and migrates it.
 * A new database starts as a copy of the folder `template` when there is one (by default the build's), else initdb makes it.
 */
export async function openPglite(dir?: string, options: { template?: string } = {}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dir) startFromTemplate(dir, options.template ?? PGLITE_TEMPLATE);
  if (dir) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, {
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
  });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  const description = dir ? `PGlite in ${dir}` : 'PGlite in memory';
  return { kind: 'pglite', description, db: db as unknown as Db, close: () => client.close() };
}

/** A missing or empty `dir` becomes a copy of `template` (when there is one), whole or not at all. */
function startFromTemplate(dir: string, template: string): void {
  if (!template || !existsSync(join(template, 'PG_VERSION')) || (existsSync(dir) && readdirSync(dir).length > 0)) return;
  const copy = `${dir}.${process.pid}.new`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(template, copy, { recursive: true });
  rmSync(dir, { recursive: true, force: true }); // empty
  renameSync(copy, dir);
}

/**
 * Writes the folder `dir`: a new embedded database with every migration applied, for {@link openPglite} to start
 * from; owner-only, as its copies are (they keep its modes).
 */
export async function writePgliteTemplate(dir: string): Promise<void> {
  const database = await openPglite(dir, { template: '' });
  await database.close();
  await makeOwnerOnly(dir);
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname || 'local socket'}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
