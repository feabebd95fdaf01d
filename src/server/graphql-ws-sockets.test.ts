import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type FormattedExecutionResult, buildSchema } from 'graphql';
import { makeServer } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SOCKET_HIGH_WATER_BYTES, type SocketExtra, serveGraphqlWs } from './graphql-ws-sockets.js';
import { encodedPayload, payloadReplacer, subscribeShared } from './shared-subscriptions.js';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Subscription { big: String, broken: String, sized(lengths: [Int!]!): String, burst(count: Int!): Int }
`);
const BIG = 'x'.repeat(10_000);

let pulls = 0;
const roots = {
  subscription: {
    // an endless feed of 10 kB events, counting how many the server asked for
    async *big() {
      for (let n = 1; ; n += 1) {
        pulls += 1;
        await new Promise((resolve) => setImmediate(resolve));
        yield { big: `${n} ${BIG}` };
      }
    },
    // one event per length, a text of that many characters (é in the middle), then the end of the feed
    async *sized({ lengths }: { lengths: number[] }) {
      for (const [n, length] of lengths.entries()) {
        await new Promise((resolve) => setImmediate(resolve));
        yield { sized: `${n}é`.padEnd(length, 'y') };
      }
    },
    // events one after the other with no wait between them: one burst of work
    async *burst({ count }: { count: number }) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let n = 1; n <= count; n += 1) yield { burst: n };
    },
    async *broken() {
      yield {
        broken: () => {
          throw new Error('no such thing');
        },
      };
    },
  },
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function startServer(options: { perMessageDeflate?: boolean } = {}) {
  const wsServer = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await once(wsServer, 'listening');
  const sockets: WebSocket[] = [];
  const sent: string[] = []; // messages that went through ws's own send()
  wsServer.on('connection', (socket) => {
    sockets.push(socket);
    const send = socket.send.bind(socket);
    socket.send = ((data: string, ...rest: unknown[]) => (sent.push(String(data)), (send as (...a: unknown[]) => void)(data, ...rest))) as typeof socket.send;
  });
  const protocol = makeServer<Record<string, unknown> | undefined, SocketExtra>({
    schema,
    roots,
    subscribe: subscribeShared,
    onNext: (_ctx, _id, _payload, _args, result) => encodedPayload(result) as unknown as FormattedExecutionResult,
    jsonMessageReplacer: payloadReplacer,
  });
  const handle = serveGraphqlWs(wsServer, protocol, (socket, request) => ({ socket, request }), { error: () => {} });
  closers.push(() => handle.dispose());
  return { url: `ws://127.0.0.1:${(wsServer.address() as AddressInfo).port}`, sockets, sent };
}

async function client(url: string, options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(url, 'graphql-transport-ws', options);
  const messages: { id?: string; type: string; payload?: any }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  ws.on('ping', () => messages.push({ type: '(ping)' }));
  await once(ws, 'open');
  closers.push(async () => ws.terminate());
  ws.send(JSON.stringify({ type: 'connection_init' }));
  while (!messages.some((m) => m.type === 'connection_ack')) await new Promise((resolve) => setTimeout(resolve, 5));
  return { ws, messages, raw: (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graphql-transport-ws sockets', () => {
  it('a client that stops reading holds back its own subscription: the server buffers a bounded amount and pulls no more events', async () => {
    const { url, sockets } = await startServer();
    const { ws, messages, raw } = await client(url);
    pulls = 0;
    ws.send(JSON.stringify({ id: 'big', type: 'subscribe', payload: { query: 'subscription { big }' } }));
    await sleep(200);
    raw.pause();

    await sleep(1_500); // the kernel's buffers fill up, then the server's own
    const pulledWhilePaused = pulls;
    await sleep(1_000);

    expect(pulls).toBe(pulledWhilePaused);
    expect(sockets[0]!.bufferedAmount).toBeLessThan(SOCKET_HIGH_WATER_BYTES + 2 * BIG.length);

    raw.resume();
    await sleep(500);
    expect(pulls).toBeGreaterThan(pulledWhilePaused);
    const numbers = messages.filter((m) => m.type === 'next').map((m) => Number(m.payload.data.big.split(' ')[0]));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(messages.filter((m) => m.type === 'next').every((m) => m.id === 'big')).toBe(true);
  }, 20_000);

  it('writes a result with errors exactly as graphql-ws does: data, then errors with locations and path; then complete', async () => {
    const { url } = await startServer();
    const { ws, messages } = await client(url);
    ws.send(JSON.stringify({ id: 'x"1', type: 'subscribe', payload: { query: 'subscription { broken }' } }));
    while (!messages.some((m) => m.type === 'complete')) await sleep(5);

    expect(messages.slice(1)).toEqual([
      { id: 'x"1', type: 'next', payload: { data: { broken: null }, errors: [{ message: 'no such thing', locations: [{ line: 1, column: 16 }], path: ['broken'] }] } },
      { id: 'x"1', type: 'complete' },
    ]);
  });

  // frame lengths with every length encoding: under 126 bytes, under 65,536 (16-bit), larger (64-bit)
  const LENGTHS = [1, 60, 100, 1_000, 65_400, 65_600, 70_000, 5, 200_000, 90];
  const expectedTexts = LENGTHS.map((length, n) => `${n}é`.padEnd(length, 'y'));

  async function sizedAndInterleaved(url: string, sockets: WebSocket[], options?: WebSocket.ClientOptions) {
    const { ws, messages } = await client(url, options);
    // two subscriptions of the same document share each event's payload; pings and another operation's
    // error and complete go between their frames
    for (const id of ['s1', 'é"2']) {
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription ($l: [Int!]!) { sized(lengths: $l) }', variables: { l: LENGTHS } } }));
    }
    const pinger = setInterval(() => sockets[0]!.ping(), 1);
    ws.send(JSON.stringify({ id: 'b', type: 'subscribe', payload: { query: 'subscription { broken }' } }));
    try {
      while (messages.filter((m) => m.type === 'complete').length < 3) await sleep(5);
    } finally {
      clearInterval(pinger);
    }
    return messages;
  }

  function expectAllArrivedInOrder(messages: { id?: string; type: string; payload?: any }[]) {
    for (const id of ['s1', 'é"2']) {
      const own = messages.filter((m) => m.id === id);
      expect(own.map((m) => (m.type === 'next' ? m.payload : m.type))).toEqual([...expectedTexts.map((sized) => ({ data: { sized } })), 'complete']);
    }
    expect(messages.filter((m) => m.id === 'b').map((m) => m.type)).toEqual(['next', 'complete']);
    expect(messages.filter((m) => m.type === '(ping)').length).toBeGreaterThan(0);
  }

  it('writes a shared payload as its own frame: every length encoding arrives intact and in order between pings, errors and completes', async () => {
    const { url, sockets, sent } = await startServer();
    const messages = await sizedAndInterleaved(url, sockets);
    expectAllArrivedInOrder(messages);
    // the shared payloads did not go through ws's send(); the rest did
    expect(sent.filter((m) => m.includes('"sized"'))).toEqual([]);
    expect(sent.filter((m) => m.includes('"complete"'))).toHaveLength(3);
  }, 20_000);

  it('a socket with permessage-deflate gets the same messages through ws (compressed frames)', async () => {
    const { url, sockets, sent } = await startServer({ perMessageDeflate: true });
    const messages = await sizedAndInterleaved(url, sockets, { perMessageDeflate: true });
    expectAllArrivedInOrder(messages);
    expect(sent.filter((m) => m.includes('"sized"'))).toHaveLength(2 * LENGTHS.length);
  }, 20_000);

  it('messages written in one burst of work leave in a couple of system writes, complete and in order', async () => {
    const { url, sockets } = await startServer();
    const { ws, messages } = await client(url);
    const raw = (sockets[0] as unknown as { _socket: Record<'_write' | '_writev', (...a: unknown[]) => unknown> })._socket;
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = raw[method].bind(raw);
      raw[method] = (...a: unknown[]) => ((writes += 1), original(...a));
    }
    ws.send(JSON.stringify({ id: 'b', type: 'subscribe', payload: { query: 'subscription { burst(count: 500) }' } }));
    while (!messages.some((m) => m.type === 'complete')) await sleep(5);

    expect(messages.filter((m) => m.type === 'next').map((m) => m.payload.data.burst)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(writes).toBeLessThanOrEqual(4);
  });
});
