import WebSocket from 'ws';
import { hugeString, junkString, junkValue, nestedJson, nestedJsonText } from '../support/fuzz-values.js';
import type { SeededRandom } from '../support/seeded-random.js';
import { RAW_CLIENTS } from './websocket-raw-clients.js';
import { type Client, type ClientContext, type ClientOutcome, PROTOCOL, acknowledged, init, pause, send, session } from './websocket-session.js';

// Misbehaving WebSocket clients, one per call, each ending with what the server answered. Every
// mutation they send has an unknown field in its selection, so it could never run.

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
  ...RAW_CLIENTS,
};

// silent sockets hold a slot for seconds: run apart, a few at a time, not drawn at random
export const CLIENT_KINDS = Object.keys(CLIENTS).filter((kind) => kind !== 'never-init');

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
