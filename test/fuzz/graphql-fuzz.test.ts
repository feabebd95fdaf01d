import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { rawHttp } from '../support/raw-http.js';
import { SeededRandom, fuzzSeed } from '../support/seeded-random.js';
import { FuzzTally, runPool } from './fuzz-tally.js';
import { graphqlCase } from './graphql-cases.js';
import { fuzzTarget } from './server-unharmed.js';

const REQUESTS = 2400;
const seed = fuzzSeed();
const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

describe('GraphQL fuzz', () => {
  const target = fuzzTarget(seed);

  it(`answers ${REQUESTS} malformed GraphQL requests without a 5xx, a crash or a stack trace`, async () => {
    const rng = new SeededRandom(seed).fork('graphql');
    const tally = new FuzzTally('GraphQL', seed, 'requests sent');

    const done = await runPool(REQUESTS, 6, Date.now() + 100_000, async () => {
      if (target.server.exit()) return;
      const { kind, request, mayDrop } = graphqlCase(rng, schema, target.server.token);
      const answer = await rawHttp(target.server.port, request);
      const body = request.body === undefined ? '' : request.body.toString().slice(0, 160);
      tally.record(kind, `${request.method} ${String(request.target).slice(0, 120)} ${body}`, answer, mayDrop);
    });

    console.log(tally.summary());
    expect(target.server.exit(), `the API process died (FUZZ_SEED=${seed}):\n${target.server.diagnostics()}`).toBeUndefined();
    expect(tally.failures, `FUZZ_SEED=${seed}\n${target.server.diagnostics()}`).toEqual([]);
    expect(done, `time ran out after ${done} of ${REQUESTS} requests (FUZZ_SEED=${seed})`).toBe(REQUESTS);
    await target.expectUnharmed();
  }, 180_000);
});
