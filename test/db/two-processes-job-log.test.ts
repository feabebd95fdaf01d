import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { openEventSource, readEvents } from '../support/event-source.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { gql, rest } from '../support/test-server.js';

// Two API processes on one PostgreSQL: a job started through A is followed and stopped through B.

describe.runIf(TEST_DATABASE_URL)('a job log across two API processes on one PostgreSQL', () => {
  const apis: ApiProcess[] = [];
  let drop: () => Promise<void>;
  let token: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const dataDir = mkdtempSync(join(tmpdir(), 'sp-two-logs-'));
    // the demonstration job's steps take 0.5 s: time to follow and stop it from the other process
    const env = { DATABASE_URL: database.url, SP_TIME_SCALE: '0.1' };
    apis.push(spawnApi(dataDir, await freePort(), env));
    await untilHealthy(apis[0]!);
    token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();
    apis.push(spawnApi(dataDir, await freePort(), env));
    await untilHealthy(apis[1]!);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apis.map((api) => stopApi(api)));
    await drop?.();
  });

  it('streams the lines A writes to a reader of B live, and a stop asked of B ends the job A runs', async () => {
    const [a, b] = apis as [ApiProcess, ApiProcess];
    await gql(a, 'mutation { testMutation { success } }', undefined, token);
    const { body } = await rest(a, 'GET', '/tasks?type=test', { token });
    const id: string = body.tasks[0].id;

    const stream = await openEventSource(`${b.url}/tasks/${id}/logstream`, { authorization: `Bearer ${token}` });
    const firstTwo = await readEvents(stream, (_, all) => all.length === 2);
    const stop = await rest(b, 'POST', `/tasks/${id}/stop`, { token });
    const rest_ = await readEvents(stream);

    expect(firstTwo.map((e) => JSON.parse(e.data).message)).toEqual(['Performing pre-move checks...', 'Step 1 of 5: 5%']);
    expect(stop.status).toBe(204);
    const messages = rest_.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data).message);
    expect(messages.at(-1)).toBe('Failed: Job cancelled: stopped through the API');
    expect(rest_.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ status: 'ERROR', message: 'Job cancelled: stopped through the API' }) });
    const ids = [...firstTwo, ...rest_].filter((e) => e.event === 'message').map((e) => Number(e.lastEventId));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect((await rest(a, 'GET', `/tasks/${id}`, { token })).body).toMatchObject({ active: false, error: { code: 'stopped' } });
  }, 60_000);
});
