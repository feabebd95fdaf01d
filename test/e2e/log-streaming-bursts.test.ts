import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runCommand } from '../../src/cli/run-command.js';
import { getJob } from '../../src/core/jobs/jobs.js';
import { openEventSource, readEvents } from '../support/event-source.js';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { logFollowers } from './logs-helpers.js';

// Bursts of 10,000 lines from the simulation commands reach a live reader complete and in order: journal
// entries through the logEntries subscription, a job's log through its task log stream (SSE).

let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${server.token}` }, retryAttempts: 0 });
});

afterAll(async () => {
  await client?.dispose();
  await server?.close();
});

const LINES = 10_000;
const numbered = Array.from({ length: LINES }, (_, i) => `bench line ${i + 1}`);

describe('a burst of 10,000 lines', () => {
  it('reaches a logEntries subscriber complete and in order, each entry its own message', async () => {
    const received: string[] = [];
    let cursors = 0;
    const reading = (async () => {
      for await (const result of client.iterate<{ logEntries: { message: string; cursor: string } }>({
        query: 'subscription { logEntries(filterByUnit: "log-simulation.service") { message cursor } }',
      })) {
        received.push(result.data!.logEntries.message);
        if (result.data!.logEntries.cursor) cursors += 1;
        if (received.length === LINES) return;
      }
    })();
    await expect.poll(() => logFollowers(server).followerCount).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the subscription is registered on the follower

    const answer = await runCommand(server.runtime.deps, 'simulate journal', ['--lines', String(LINES)]);
    await reading;

    expect(answer).toEqual({ exitCode: 0, stdout: `{"lines":${LINES}}\n`, stderr: '' });
    expect(received).toEqual(numbered);
    expect(cursors).toBe(LINES);
  }, 60_000);

  it('reaches a task log stream reader complete and in order, then the end', async () => {
    const answer = await runCommand(server.runtime.deps, 'simulate job-log', ['--lines', String(LINES)]);
    const { uid } = JSON.parse(answer.stdout) as { uid: string };
    const reader = await openEventSource(`${server.url}/tasks/${uid}/logstream`, { authorization: `Bearer ${server.token}` });

    const events = await readEvents(reader);

    const lines = events.filter((e) => e.event === 'message');
    expect(lines.map((e) => (JSON.parse(e.data) as { message: string }).message)).toEqual([`Writing ${LINES} lines...`, ...numbered, `Finished: Wrote ${LINES} lines.`]);
    expect(lines.map((e) => e.lastEventId)).toEqual(Array.from({ length: LINES + 2 }, (_, i) => String(i + 1)));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ status: 'FINISHED', message: `Wrote ${LINES} lines.` }) });
  }, 60_000);

  it('is replayed whole to a task log stream reader that connects after the job has ended', async () => {
    const answer = await runCommand(server.runtime.deps, 'simulate job-log', ['--lines', String(LINES)]);
    const { uid } = JSON.parse(answer.stdout) as { uid: string };
    await expect.poll(async () => (await getJob(server.runtime.deps, uid))?.status, { timeout: 30_000 }).toBe('FINISHED');
    const reader = await openEventSource(`${server.url}/tasks/${uid}/logstream`, { authorization: `Bearer ${server.token}` });

    const events = await readEvents(reader);

    const lines = events.filter((e) => e.event === 'message');
    expect(lines.map((e) => (JSON.parse(e.data) as { message: string }).message)).toEqual([`Writing ${LINES} lines...`, ...numbered, `Finished: Wrote ${LINES} lines.`]);
    expect(events.at(-1)).toMatchObject({ event: 'end' });
  }, 60_000);
});
