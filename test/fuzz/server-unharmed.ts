import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { type MemoryUsage, type ServerProcess, startServerProcess } from '../support/server-process.js';

// Memory after garbage collection may grow by bounded caches (Apollo keeps up to ~30 MiB of parsed
// documents), JIT code and the embedded database's buffers; a leak of what the fuzzer sent
// (megabytes per request, thousands of requests) would not fit.
const HEAP_MARGIN = 64 * 1024 * 1024;
const RSS_MARGIN = 256 * 1024 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** After a fuzz run: still alive and healthy, the token still works, userdata untouched, memory back near its baseline. */
export async function expectServerUnharmed(
  server: ServerProcess,
  expected: { userdataBefore: Buffer; baseline: MemoryUsage; seed: number },
): Promise<void> {
  const replay = `FUZZ_SEED=${expected.seed}`;
  expect(server.exit(), `the API process died (${replay}):\n${server.diagnostics()}`).toBeUndefined();
  expect((await fetch(`${server.url}/healthz`)).status, replay).toBe(200);
  const version = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ query: '{ api { version } }' }),
  });
  expect(((await version.json()) as { data?: unknown }).data, replay).toEqual({ api: { version: expect.any(String) } });

  expect(readFileSync(server.userdataPath).equals(expected.userdataBefore), `the userdata file changed (${replay})`).toBe(true);

  // sockets and buffers are released asynchronously; give them a moment before measuring
  await new Promise((r) => setTimeout(r, 500));
  const after = await server.memory();
  const { baseline } = expected;
  console.log(
    `  memory after GC: heap ${mb(baseline.heapUsed)} -> ${mb(after.heapUsed)}, rss ${mb(baseline.rss)} -> ${mb(after.rss)}`,
  );
  expect(after.heapUsed, `heap grew from ${mb(baseline.heapUsed)} to ${mb(after.heapUsed)} (${replay})`).toBeLessThan(baseline.heapUsed + HEAP_MARGIN);
  expect(after.rss, `rss grew from ${mb(baseline.rss)} to ${mb(after.rss)} (${replay})`).toBeLessThan(baseline.rss + RSS_MARGIN);
}

export interface FuzzTarget {
  /** The API process under test (set once the suite's beforeAll has run). */
  readonly server: ServerProcess;
  /** expectServerUnharmed against what was recorded before the first request. */
  expectUnharmed(): Promise<void>;
}

/**
 * Starts the API as its own process for the enclosing suite, records the userdata file and the memory
 * baseline (after a little warm-up) before any fuzzing, and stops it afterwards.
 */
export function fuzzTarget(seed: number): FuzzTarget {
  let server: ServerProcess | undefined;
  let userdataBefore: Buffer;
  let baseline: MemoryUsage;
  beforeAll(async () => {
    server = await startServerProcess();
    userdataBefore = readFileSync(server.userdataPath);
    for (let i = 0; i < 20; i++) await fetch(`${server.url}/api/version`);
    baseline = await server.memory();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the fuzz target is not started yet');
      return server;
    },
    expectUnharmed: () => expectServerUnharmed(server!, { userdataBefore, baseline, seed }),
  };
}
