import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A database of its own on the given PostgreSQL server for the run, dropped afterwards. */
export async function postgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sp_bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}
