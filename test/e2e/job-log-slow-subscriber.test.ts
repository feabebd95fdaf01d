import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startJob } from '../../src/core/jobs/job-runner.js';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { openAuthenticatedWs } from '../support/ws-session.js';

// A jobLog subscriber whose socket stops reading gets an error for its subscription alone; another
// subscriber of the same job gets every line and the completion.

let server: TestServer;
let reader: Client;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await reader?.dispose();
  await server?.close();
});

// Each line its own stored batch, more of them than the socket buffers and the subscriber's queue hold.
const LINES = 4_000;
const LINE = 'x'.repeat(4000);
const QUERY = 'subscription($id: String!) { jobLog(jobId: $id) { cursor message } }';

describe('a jobLog subscriber that stops reading', () => {
  it('gets an error for its subscription while another subscriber gets every line', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const job = await startJob(server.runtime.deps, { typeId: 'test.flood', name: 'Flood', description: 'Prints a lot' }, async (_report, running) => {
      await released;
      for (let n = 1; n <= LINES; n++) {
        running.log(`${n} ${LINE}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });
    const stalled = await openAuthenticatedWs(server.wsUrl, server.token);
    stalled.send({ id: 'slow', type: 'subscribe', payload: { query: QUERY, variables: { id: job.uid } } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    reader = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${server.token}` }, retryAttempts: 0 });
    let received = 0;
    const readAll = new Promise<void>((resolve, reject) =>
      reader.subscribe({ query: QUERY, variables: { id: job.uid } }, { next: () => void received++, error: reject, complete: resolve }),
    );

    release();
    await readAll;
    (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const failure = await stalled.waitFor((m) => m.id === 'slow' && m.type !== 'next', 30_000);

    expect(received).toBe(LINES + 1);
    expect(failure).toEqual({
      id: 'slow',
      type: 'error',
      payload: [expect.objectContaining({ message: 'This reader fell too far behind the job log and was dropped; resume from the last cursor it read' })],
    });
    expect(stalled.messages.filter((m) => m.type === 'next').length).toBeLessThan(LINES);
  }, 120_000);
});
