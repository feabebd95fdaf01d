import { once } from 'node:events';
import { connect } from 'node:net';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LOG_STREAM_MESSAGES } from '../../src/core/logs/log-followers.js';
import type { SimulatedJournal } from '../../src/infra/host/simulated-journal.js';
import { openEventSource } from '../support/event-source.js';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { logFollowers } from './logs-helpers.js';

// Clients that stop reading while the journal floods (over WebSocket and over EventSource): the server
// keeps a bounded amount for each, then drops that one alone with an error; reading clients on the same
// follower get everything.

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

const QUERY = 'subscription { logEntries(filterByUnit: "flood.service") { message cursor } }';
const FLOOD = 40_000;

/** A graphql-transport-ws socket that subscribes, then stops reading from the network. */
async function stalledSubscriber(): Promise<{ resume: () => AsyncGenerator<{ type: string; payload?: unknown }> }> {
  const ws = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  const inbox: { type: string; payload?: unknown }[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    inbox.push(JSON.parse(data.toString()));
    wake?.();
  });
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${server.token}` } }));
  await new Promise<void>((resolve) => (wake = resolve));
  ws.send(JSON.stringify({ type: 'subscribe', id: 'slow', payload: { query: QUERY } }));
  (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
  return {
    async *resume() {
      (ws as unknown as { _socket: { resume(): void } })._socket.resume();
      for (;;) {
        while (inbox.length > 0) yield inbox.shift()!;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

describe('a subscriber that stops reading', () => {
  it('alone gets an error for its subscription once its queue is full; the reading one receives every entry in order', async () => {
    const received: string[] = [];
    const reading = (async () => {
      for await (const result of client.iterate<{ logEntries: { message: string } }>({ query: QUERY })) {
        received.push(result.data!.logEntries.message);
        if (received.length === FLOOD) return;
      }
    })();
    const slow = await stalledSubscriber();
    await expect.poll(() => logFollowers(server).followerCount).toBe(1);
    await new Promise((r) => setTimeout(r, 200)); // both subscriptions registered on the follower

    const journal = server.runtime.deps.logs as SimulatedJournal;
    for (let i = 0; i < FLOOD; i += 500) {
      journal.appendAll(Array.from({ length: 500 }, (_, k) => ({ unit: 'flood.service', message: `flood ${i + k}` })));
      await new Promise((r) => setImmediate(r));
    }
    await reading;

    expect(received).toEqual(Array.from({ length: FLOOD }, (_, i) => `flood ${i}`));
    let delivered = 0;
    let error: unknown;
    for await (const message of slow.resume()) {
      if (message.type === 'next') delivered += 1;
      if (message.type === 'error') {
        error = message.payload;
        break;
      }
    }
    expect(error).toEqual([expect.objectContaining({ message: LOG_STREAM_MESSAGES.overflow(1000) })]);
    expect(delivered).toBeLessThan(FLOOD);
  }, 120_000);

  it('over EventSource: the stalled stream alone ends with an error event, the reading one gets every entry', async () => {
    const { port } = new URL(server.url);
    const stalled = connect(Number(port), '127.0.0.1');
    stalled.write(`GET /services/nextcloud/logstream?lines=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n\r\n`);
    stalled.pause();
    const reader = await openEventSource(`${server.url}/services/nextcloud/logstream?lines=0&format=plain`, { authorization: `Bearer ${server.token}` });
    await expect.poll(() => logFollowers(server).followerCount).toBe(1);
    await new Promise((r) => setTimeout(r, 200)); // both streams registered on the follower

    const journal = server.runtime.deps.logs as SimulatedJournal;
    // about 8 MB, more than the socket buffers and the stream's own buffer hold; the reading client reads each
    // batch before the next is written (it runs in this same process, so it could not keep up with a burst)
    const received: string[] = [];
    for (let i = 0; i < FLOOD; i += 200) {
      journal.appendAll(Array.from({ length: 200 }, (_, k) => ({ unit: 'phpfpm-nextcloud.service', message: `flood ${i + k} ${'x'.repeat(180)}` })));
      while (received.length < i + 200) {
        const next = await reader.events.next();
        if (next.done) break;
        received.push(next.value.data);
      }
    }
    reader.close();
    const chunks: Buffer[] = [];
    stalled.on('data', (chunk: Buffer) => chunks.push(chunk));
    stalled.resume();
    await once(stalled, 'end');
    const text = Buffer.concat(chunks).toString();

    expect(received.map((data) => data.split(' ')[3])).toEqual(Array.from({ length: FLOOD }, (_, i) => String(i)));
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    const farewell = text.search(/event: error\ndata: \{"code":"TOO_SLOW",[^\n]*\n\n/);
    expect(farewell).toBeGreaterThan(0);
    expect(text.slice(farewell)).not.toMatch(/^data: flood/m);
    expect(text.match(/^data: /gm)!.length).toBeLessThan(FLOOD);
    await expect.poll(() => logFollowers(server).followerCount).toBe(0);
  }, 120_000);
});
