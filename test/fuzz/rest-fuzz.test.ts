import { describe, expect, it } from 'vitest';
import { rawHttp } from '../support/raw-http.js';
import { SeededRandom, fuzzSeed } from '../support/seeded-random.js';
import { FuzzTally, runPool } from './fuzz-tally.js';
import { operationsOf } from './openapi-operations.js';
import { restCase } from './rest-cases.js';
import { fuzzTarget } from './server-unharmed.js';

const PER_OPERATION = 200;
const seed = fuzzSeed();

describe('REST fuzz', () => {
  const target = fuzzTarget(seed);

  it(`answers ${PER_OPERATION} malformed requests per operation of /api/swagger.json without a 5xx, a crash or a stack trace`, async () => {
    const document = (await (await fetch(`${target.server.url}/api/swagger.json`)).json()) as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(20);
    const rng = new SeededRandom(seed).fork('rest');
    const tally = new FuzzTally('REST', seed, 'requests sent');
    const total = operations.length * PER_OPERATION;

    const done = await runPool(total, 8, Date.now() + 100_000, async (index) => {
      if (target.server.exit()) return;
      const op = operations[index % operations.length]!;
      const { kind, request, mayDrop } = restCase(rng, op, target.server.token);
      const answer = await rawHttp(target.server.port, request);
      tally.record(kind, `${op.method} ${op.path} as ${request.method} ${String(request.target).slice(0, 120)}`, answer, mayDrop);
    });

    console.log(`${tally.summary()}\n  operations: ${operations.length}, ${PER_OPERATION} requests each`);
    expect(target.server.exit(), `the API process died (FUZZ_SEED=${seed}):\n${target.server.diagnostics()}`).toBeUndefined();
    expect(tally.failures, `FUZZ_SEED=${seed}\n${target.server.diagnostics()}`).toEqual([]);
    expect(done, `time ran out after ${done} of ${total} requests (FUZZ_SEED=${seed})`).toBe(total);
    await target.expectUnharmed();
  }, 180_000);
});
