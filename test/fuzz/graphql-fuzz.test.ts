import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp } from '../support/raw-http.js';
import { SeededRandom, fuzzSeed } from '../support/seeded-random.js';
import { type MemoryUsage, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { FuzzTally, runPool } from './fuzz-tally.js';
import { graphqlCase } from './graphql-cases.js';
import { expectServerUnharmed } from './server-unharmed.js';

const REQUESTS = 2400;
const seed = fuzzSeed();
const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

describe('GraphQL fuzz', () => {
  let server: ServerProcess;
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

  it(`answers ${REQUESTS} malformed GraphQL requests without a 5xx, a crash or a stack trace`, async () => {
    const rng = new SeededRandom(seed).fork('graphql');
    const tally = new FuzzTally('GraphQL', seed, 'requests sent');

    const done = await runPool(REQUESTS, 6, Date.now() + 100_000, async () => {
      if (server.exit()) return;
      const { kind, request, mayDrop } = graphqlCase(rng, schema, server.token);
      const answer = await rawHttp(server.port, request);
      const body = request.body === undefined ? '' : request.body.toString().slice(0, 160);
      tally.record(kind, `${request.method} ${String(request.target).slice(0, 120)} ${body}`, answer, mayDrop);
    });

    console.log(tally.summary());
    expect(server.exit(), `the API process died (FUZZ_SEED=${seed}):\n${server.diagnostics()}`).toBeUndefined();
    expect(tally.failures, `FUZZ_SEED=${seed}\n${server.diagnostics()}`).toEqual([]);
    expect(done, `time ran out after ${done} of ${REQUESTS} requests (FUZZ_SEED=${seed})`).toBe(REQUESTS);
    await expectServerUnharmed(server, { userdataBefore, baseline, seed });
  }, 180_000);
});
