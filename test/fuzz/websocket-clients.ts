import WebSocket from 'ws';
import { hugeString, invalidUtf8, junkString, junkValue, nestedJson, nestedJsonText } from '../support/fuzz-values.js';
import { frame, rawWebSocket, upgradeRequest } from '../support/raw-websocket.js';
import type { SeededRandom } from '../support/seeded-random.js';

// Misbehaving WebSocket clients, one per call, each ending with what the server answered. Every
// mutation they send has an unknown field in its selection, so it could never run.

export interface ClientOutcome {
  kind: string;
  description: string;
  /** The upgrade answer's status (101 when upgraded). */
  status?: number;
  /** Everything the server said: HTTP body, messages, close reason. */
  body: string;
  closeCode?: number;
  timedOut: boolean;
  /** Messages (or raw frames) this client sent after the upgrade. */
  messages: number;
}

export interface ClientContext {
  rng: SeededRandom;
  port: number;
  token: string;
}

const PROTOCOL = 'graphql-transport-ws';
const init = (token: string) => JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } });

/** Runs `script` on a ws-library socket once open; waits up to `waitMs` for the server to close it, then closes it. */
async function session(
  ctx: ClientContext,
  options: { protocol?: string | string[]; headers?: Record<string, string>; query?: string },
  script: (ws: WebSocket, received: string[]) => Promise<number>,
  waitMs: number,
): Promise<Omit<ClientOutcome, 'kind' | 'description'>> {
  const ws = new WebSocket(`ws://127.0.0.1:${ctx.port}/graphql${options.query ?? ''}`, options.protocol ?? PROTOCOL, {
    headers: options.headers,
    maxPayload: 64 * 1024 * 1024,
  });
  const received: string[] = [];
  let messages = 0;
  let clientClosed = false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      clientClosed = true;
      ws.terminate();
    }, waitMs + 15_000);
    const finish = (outcome: Omit<ClientOutcome, 'kind' | 'description' | 'messages' | 'timedOut'>, timedOut = false) => {
      clearTimeout(timer);
      resolve({ ...outcome, messages, timedOut });
    };
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => finish({ status: res.statusCode, body }));
      res.on('error', () => finish({ status: res.statusCode, body }));
    });
    ws.on('message', (data) => received.push(String(data)));
    ws.on('error', () => {});
    ws.on('open', () => {
      script(ws, received).then(
        async (sent) => {
          messages = sent;
          const closed = await new Promise<boolean>((r) => {
            if (ws.readyState === WebSocket.CLOSED) return r(true);
            const t = setTimeout(() => r(false), waitMs);
            ws.once('close', () => {
              clearTimeout(t);
              r(true);
            });
          });
          if (!closed) {
            clientClosed = true;
            ws.close(1000);
          }
        },
        () => ws.terminate(),
      );
    });
    ws.on('close', (code, reason) => {
      finish({ status: 101, body: [...received, reason.toString()].join('\n'), closeCode: clientClosed ? undefined : code });
    });
  });
}

const send = (ws: WebSocket, data: string | Buffer, binary = false) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary });
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function acknowledged(ws: WebSocket, received: string[], timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && ws.readyState === WebSocket.OPEN) {
    if (received.some((m) => m.includes('"connection_ack"'))) return true;
    await pause(10);
  }
  return false;
}

function operation(rng: SeededRandom): unknown {
  return rng.pick<() => unknown>([
    () => ({ query: 'subscription { jobUpdates { uid status progress } }' }),
    () => ({ query: 'subscription { count }' }),
    () => ({ query: `subscription { ${'jobUpdates { uid } '.repeat(rng.int(2, 50))}}` }),
    () => ({ query: '{ api { version } }' }),
    () => ({ query: `mutation { api { refreshDeviceApiToken { fuzz_${rng.int(0, 1e6)} token } } }` }),
    () => ({ query: junkString(rng, 80) }),
    () => ({ query: `subscription { ${'a { '.repeat(3000)}b${' }'.repeat(3000)} }` }),
    () => ({ query: 'subscription($x: Int!) { count }', variables: { x: junkValue(rng) } }),
    () => ({ query: 12 }),
    () => junkValue(rng),
  ])();
}

/** Protocol messages that are wrong in shape, order or content. */
function wrongMessage(rng: SeededRandom, token: string): string {
  return rng.pick<() => string>([
    () => JSON.stringify({ type: rng.pick(['junk', '', 'CONNECTION_INIT', 'start', 'connection_terminate', 'next', 'error']) }),
    () => JSON.stringify({ type: 'subscribe' }),
    () => JSON.stringify({ type: 'subscribe', id: junkValue(rng), payload: operation(rng) }),
    () => JSON.stringify({ type: 'subscribe', id: 'a', payload: 'x' }),
    () => JSON.stringify({ type: 'complete', id: junkString(rng) }),
    () => JSON.stringify({ type: 'ping', payload: nestedJson(rng, 20) }),
    () => JSON.stringify({ type: 'pong' }),
    () => init(token),
    () => JSON.stringify({ type: 'connection_init', payload: junkValue(rng) }),
    () => JSON.stringify(junkValue(rng)),
    () => nestedJsonText(rng, 10_000),
  ])();
}

type Client = (ctx: ClientContext) => Promise<Omit<ClientOutcome, 'kind'>>;

const CLIENTS: Record<string, Client> = {
  'non-json': async (ctx) => {
    const text = ctx.rng.pick([junkString(ctx.rng, 200), '{', '', '\u0000', '{"type":"connection_init"']);
    return {
      description: `sends ${JSON.stringify(text.slice(0, 40))}`,
      ...(await session(ctx, {}, async (ws) => (send(ws, text), 1), 3_000)),
    };
  },
  'wrong-protocol': async (ctx) => {
    const initFirst = ctx.rng.chance(0.5);
    const messages = Array.from({ length: ctx.rng.int(1, 8) }, () => wrongMessage(ctx.rng, ctx.token));
    return {
      description: `${initFirst ? 'after init, ' : ''}sends ${messages.map((m) => m.slice(0, 60)).join(' | ')}`,
      ...(await session(
        ctx,
        {},
        async (ws, received) => {
          if (initFirst) {
            send(ws, init(ctx.token));
            await acknowledged(ws, received);
          }
          for (const m of messages) send(ws, m);
          return messages.length + (initFirst ? 1 : 0);
        },
        1_500,
      )),
    };
  },
  'before-init': async (ctx) => ({
    description: 'subscribes before connection_init',
    ...(await session(ctx, {}, async (ws) => (send(ws, JSON.stringify({ id: '1', type: 'subscribe', payload: operation(ctx.rng) })), 1), 3_000)),
  }),
  oversized: async (ctx) => {
    const size = ctx.rng.pick([64 * 1024 + 1, 200_000, 1_000_000, 4_000_000]);
    const afterInit = ctx.rng.chance(0.5);
    return {
      description: `sends a ${size}-byte message${afterInit ? ' after init' : ''}`,
      ...(await session(
        ctx,
        {},
        async (ws, received) => {
          if (afterInit) {
            send(ws, init(ctx.token));
            await acknowledged(ws, received);
          }
          const payload = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { count } #${hugeString(ctx.rng, size)}` } });
          send(ws, payload, ctx.rng.chance(0.2));
          return afterInit ? 2 : 1;
        },
        3_000,
      )),
    };
  },
  'bad-init': async (ctx) => {
    const payload = ctx.rng.pick<() => unknown>([
      () => ({ Authorization: `Bearer ${junkString(ctx.rng)}` }),
      () => ({ Authorization: `Bearer ${'A'.repeat(60_000)}` }),
      () => ({ Authorization: junkValue(ctx.rng) }),
      () => junkValue(ctx.rng),
      () => nestedJson(ctx.rng, 500),
    ])();
    const text = JSON.stringify({ type: 'connection_init', payload });
    return { description: `connection_init ${text.slice(0, 80)}`, ...(await session(ctx, {}, async (ws) => (send(ws, text), 1), 3_000)) };
  },
  'subscribe-flood': async (ctx) => {
    const count = ctx.rng.int(30, 300);
    const ops = Array.from({ length: count }, () => operation(ctx.rng));
    return {
      description: `${count} subscribe messages after init`,
      ...(await session(
        ctx,
        {},
        async (ws, received) => {
          send(ws, init(ctx.token));
          await acknowledged(ws, received);
          ops.forEach((payload, i) => send(ws, JSON.stringify({ id: ctx.rng.chance(0.05) ? 'dup' : String(i), type: 'subscribe', payload })));
          await pause(300);
          return count + 1;
        },
        500,
      )),
    };
  },
  'never-init': async (ctx) => ({ description: 'connects and says nothing', ...(await session(ctx, {}, async () => 0, 6_000)) }),
  'bad-handshake': async (ctx) => {
    const variant = ctx.rng.pick<() => [string, Buffer]>([
      () => ['no key', upgradeRequest('/graphql', { 'Sec-WebSocket-Key': null })],
      () => ['bad key', upgradeRequest('/graphql', { 'Sec-WebSocket-Key': junkString(ctx.rng).replace(/[^\x21-\x7e]/g, 'x') })],
      () => ['version 8', upgradeRequest('/graphql', { 'Sec-WebSocket-Version': '8' })],
      () => ['junk upgrade', upgradeRequest('/graphql', { Upgrade: 'h2c' })],
      () => ['junk protocol', upgradeRequest('/graphql', { 'Sec-WebSocket-Protocol': junkString(ctx.rng).replace(/[^\x21-\x7e]/g, 'x') })],
      () => ['old protocol', upgradeRequest('/graphql', { 'Sec-WebSocket-Protocol': 'graphql-ws' })],
      () => ['no protocol', upgradeRequest('/graphql', { 'Sec-WebSocket-Protocol': null })],
      () => ['other path', upgradeRequest(ctx.rng.pick(['/', '/graphql/', '/api/version', '/graphqlx', '/%ff', '/graphql%00', '/graphql?%zz']))],
      () => ['junk token query', upgradeRequest(`/graphql?token=${ctx.rng.pick(['%ff', '%', 'x', ''])}`)],
      () => ['junk authorization', upgradeRequest('/graphql', { Authorization: `Bearer ${junkString(ctx.rng).replace(/[^\x21-\x7e]/g, 'x')}` })],
      () => ['invalid bytes in the path', upgradeRequest(Buffer.concat([Buffer.from('/graphql?x='), invalidUtf8(ctx.rng)]))],
      () => ['POST upgrade', upgradeRequest('/graphql', {}, 'POST')],
    ]);
    const [description, handshake] = variant();
    const outcome = await rawWebSocket(ctx.port, handshake, [frame(1, Buffer.from(init(ctx.token)))], 1_000);
    return { description, status: outcome.status, body: outcome.text, closeCode: outcome.closeCode, timedOut: outcome.timedOut, messages: 1 };
  },
  'garbage-frames': async (ctx) => {
    const frames = Array.from({ length: ctx.rng.int(1, 4) }, () =>
      ctx.rng.pick<() => Buffer>([
        () => ctx.rng.bytes(ctx.rng.int(1, 300)),
        () => frame(1, Buffer.from(init(ctx.token)), { mask: false }),
        () => frame(1, Buffer.from('{}'), { rsv: ctx.rng.int(1, 7) }),
        () => frame(ctx.rng.pick([3, 4, 5, 6, 7, 11, 12, 15]), Buffer.from('x')),
        () => frame(1, invalidUtf8(ctx.rng)),
        () => frame(1, Buffer.from('{"type":'), { fin: false }),
        () => frame(9, Buffer.alloc(200)),
        () => frame(8, Buffer.from([0x03, 0xe7])),
        () => frame(8, Buffer.from([0x0b])),
        () => frame(1, Buffer.from('x'), { announcedLength: 2n ** 62n }),
        () => frame(1, Buffer.from('x'), { announcedLength: 70_000 }),
        () => frame(0, Buffer.from('continuation without start')),
      ])(),
    );
    const withInit = ctx.rng.chance(0.5) ? [frame(1, Buffer.from(init(ctx.token)))] : [];
    // a frame that only announces more data leaves the server waiting for it: the client gives up after 3 s
    const outcome = await rawWebSocket(ctx.port, upgradeRequest('/graphql'), [...withInit, ...frames], 3_000);
    return {
      description: `${frames.length} broken frames${withInit.length ? ' after init' : ''}`,
      status: outcome.status,
      body: outcome.text,
      closeCode: outcome.closeCode,
      timedOut: outcome.timedOut,
      messages: withInit.length + frames.length,
    };
  },
};

export const CLIENT_KINDS = Object.keys(CLIENTS);

/** Runs one misbehaving client of `kind` (or a random kind). */
export async function runClient(ctx: ClientContext, kind = ctx.rng.pick(CLIENT_KINDS)): Promise<ClientOutcome> {
  return { kind, ...(await CLIENTS[kind]!(ctx)) };
}

/** Opens `count` authenticated sockets, each with a running jobUpdates subscription, then closes them all. */
export async function manyConnections(ctx: ClientContext, count: number): Promise<{ opened: number; acked: number; closeCodes: number[] }> {
  const sockets: WebSocket[] = [];
  let acked = 0;
  const closeCodes: number[] = [];
  for (let i = 0; i < count; i += 6) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(6, count - i) }, async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${ctx.port}/graphql`, PROTOCOL);
        ws.on('error', () => {});
        ws.on('close', (code) => closeCodes.push(code));
        const received: string[] = [];
        ws.on('message', (d) => received.push(String(d)));
        await new Promise((r) => {
          ws.once('open', r);
          ws.once('close', r);
        });
        send(ws, init(ctx.token));
        if (await acknowledged(ws, received)) {
          acked++;
          send(ws, JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { jobUpdates { uid } }' } }));
        }
        return ws;
      }),
    );
    sockets.push(...batch);
  }
  await pause(500);
  const stillOpen = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  await Promise.all(sockets.map((s) => new Promise((r) => (s.readyState === WebSocket.CLOSED ? r(null) : (s.once('close', r), s.close(1000))))));
  return { opened: stillOpen, acked, closeCodes: closeCodes.filter((c) => c !== 1000 && c !== 1005) };
}
