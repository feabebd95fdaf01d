import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { runCli } from '../support/cli-process.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

// PostgreSQL takes many processes: with DATABASE_URL the CLI opens the database itself, beside a running server.

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.runIf(TEST_DATABASE_URL)('the CLI on PostgreSQL beside a running server', () => {
  it('creates a token the running server accepts and lists it, with no control socket involved', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-cli-pg-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATA_DIR: dataDir, DATABASE_URL: database.url };
    const api = spawnApi(dataDir, await freePort(), { DATABASE_URL: database.url });
    cleanups.push(() => stopApi(api));
    await untilHealthy(api);

    const created = await runCli(env, ['tokens', 'create', '--name', 'desk']);
    const listed = await runCli(env, ['tokens', 'list']);
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${created.stdout.trim()}` },
      body: JSON.stringify({ query: '{ api { devices { name isCaller } } }' }),
    });

    expect(existsSync(join(dataDir, 'api.sock'))).toBe(false);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/^initial\t[^\n]+\ndesk\t[^\n]+\n$/);
    expect(await response.json()).toEqual({
      data: { api: { devices: [{ name: 'initial', isCaller: false }, { name: 'desk', isCaller: true }] } },
    });
  }, 120_000);
});
