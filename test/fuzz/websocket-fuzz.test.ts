import { describe, expect, it } from 'vitest';
import { SeededRandom, fuzzSeed } from '../support/seeded-random.js';
import { FuzzTally, runPool } from './fuzz-tally.js';
import { fuzzTarget } from './server-unharmed.js';
import { manyConnections, runClient } from './websocket-clients.js';

const CLIENTS = 400;
const MANY_CONNECTIONS = 150;
const SILENT_SOCKETS = 12;
const seed = fuzzSeed();

describe('WebSocket fuzz', () => {
  const target = fuzzTarget(seed);

  it(`survives ${CLIENTS + SILENT_SOCKETS} misbehaving clients and ${MANY_CONNECTIONS} sockets at once without a 5xx, a crash or a stack trace`, async () => {
    const rng = new SeededRandom(seed).fork('websocket');
    const tally = new FuzzTally('WebSocket', seed, 'connections by misbehaving clients');
    let messages = 0;

    // at most 6 at once: the server lets one address keep only a few sockets waiting for connection_init
    const done = await runPool(CLIENTS, 6, Date.now() + 100_000, async () => {
      if (target.server.exit()) return;
      const outcome = await runClient({ rng, port: target.server.port, token: target.server.token });
      messages += outcome.messages;
      tally.record(outcome.kind, outcome.description, outcome);
    });
    // silent sockets keep their slot until the server gives up on them: a few at a time
    await runPool(SILENT_SOCKETS, 6, Date.now() + 30_000, async () => {
      const outcome = await runClient({ rng, port: target.server.port, token: target.server.token }, 'never-init');
      tally.record(outcome.kind, outcome.description, outcome);
      if (outcome.status === 101 && outcome.closeCode === undefined) tally.problem('a socket that never sent connection_init was still open after 6 s');
    });
    const many = await manyConnections({ rng, port: target.server.port, token: target.server.token }, MANY_CONNECTIONS);

    console.log(
      `${tally.summary()}\n  ${messages} messages or raw frames sent on those connections; ` +
        `then ${MANY_CONNECTIONS} sockets at once: ${many.acked} acknowledged, ${many.opened} still open before closing`,
    );
    expect(target.server.exit(), `the API process died (FUZZ_SEED=${seed}):\n${target.server.diagnostics()}`).toBeUndefined();
    expect(tally.failures, `FUZZ_SEED=${seed}\n${target.server.diagnostics()}`).toEqual([]);
    expect(done, `time ran out after ${done} of ${CLIENTS} clients (FUZZ_SEED=${seed})`).toBe(CLIENTS);
    expect(many.acked, `FUZZ_SEED=${seed}`).toBe(MANY_CONNECTIONS);
    expect(many.closeCodes, `sockets the server closed while they were in use (FUZZ_SEED=${seed})`).toEqual([]);
    await target.expectUnharmed();
  }, 180_000);
});
