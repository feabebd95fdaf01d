import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gql } from '../support/test-server.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Starts `npm start`'s entry point as a separate OS process and waits until it is healthy. */
async function startProcess(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error(`process on port ${port} did not become healthy`);
}

describe.runIf(TEST_DATABASE_URL)('two API processes on one PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let drop: () => Promise<void>;
  let token: string;
  const portA = 5600 + Math.floor(Math.random() * 300);
  const portB = portA + 1;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const dataDir = mkdtempSync(join(tmpdir(), 'sp-two-'));
    const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, SP_HOST: 'simulated', SP_TIME_SCALE: '0.01' };
    children.push(await startProcess(env, portA));
    token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();
    children.push(await startProcess(env, portB));
  }, 90_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await drop?.();
  });

  it('delivers every job update made through process A to a subscriber of process B, in order', async () => {
    const client = createClient({
      url: `ws://127.0.0.1:${portB}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${token}` },
    });
    const seen: { status: string; progress: number | null }[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<{ jobUpdates: { typeId: string; status: string; progress: number | null }[] }>(
        { query: 'subscription { jobUpdates { typeId status progress } }' },
        {
          next: ({ data }) => {
            const job = data?.jobUpdates.find((j) => j.typeId === 'test');
            if (!job) return;
            seen.push({ status: job.status, progress: job.progress });
            if (job.status === 'FINISHED') {
              stop();
              resolve();
            }
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    await new Promise((r) => setTimeout(r, 500)); // let the subscription start

    const started = await gql({ url: `http://127.0.0.1:${portA}` }, 'mutation { testMutation { success code } }', undefined, token);
    await finished;
    await client.dispose();

    expect(started.body.data.testMutation).toEqual({ success: true, code: 200 });
    expect(seen.map((s) => s.progress)).toEqual([0, 5, 10, 15, 20, 25, 100]);
    expect(seen.at(-1)!.status).toBe('FINISHED');
  }, 60_000);
});
