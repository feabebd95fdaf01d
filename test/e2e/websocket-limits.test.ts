import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIPTIONS_PER_SOCKET } from '../../src/server/graphql-ws.js';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { type WsSession, closeCodeWithin, openAuthenticatedWs, openWs } from '../support/ws-session.js';

// What a WebSocket client may cost the server: message size, refused upgrades, sockets that never
// initialise, subscriptions per socket, and what the socket serves at all.

let server: TestServer;
const opened: WsSession[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  for (const s of opened) s.ws.terminate();
  await server?.close();
});

async function open(options: { headers?: Record<string, string>; localAddress?: string; url?: string } = {}) {
  const outcome = await openWs(options.url ?? server.wsUrl, options);
  if ('session' in outcome) opened.push(outcome.session);
  return outcome;
}

const MiB = 1024 * 1024;

/** Upgrades by hand, announces a `length`-byte text frame and streams it; returns what was sent before the server closed. */
function sendAnnouncedFrame(port: number, length: number): Promise<{ sent: number; closeCode?: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = Buffer.alloc(0);
    let sent = 0;
    let upgraded = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const headEnd = received.indexOf('\r\n\r\n');
      const frames = received.subarray(headEnd + 4);
      const close = frames.indexOf(0x88);
      resolve({ sent, closeCode: close >= 0 && frames.length >= close + 4 ? frames.readUInt16BE(close + 2) : undefined });
    };
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (!done && sent < length) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (!upgraded && received.includes('\r\n\r\n')) {
        upgraded = true;
        if (!received.toString('latin1').startsWith('HTTP/1.1 101')) return reject(new Error(received.toString('latin1')));
        const header = Buffer.alloc(14);
        header[0] = 0x81; // final text frame
        header[1] = 0x80 | 127; // masked, 64-bit length
        header.writeBigUInt64BE(BigInt(length), 2);
        // a zero mask: the payload goes as is
        socket.write(header);
        pump();
      } else if (upgraded && received.includes(0x88)) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(
      'GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
    );
  });
}

describe('message size', () => {
  it('a 1 MiB message from a socket that has not authenticated closes it with 1009', async () => {
    const outcome = await open();
    if (!('session' in outcome)) throw new Error('upgrade refused');

    outcome.session.ws.send('x'.repeat(MiB));

    expect(await closeCodeWithin(outcome.session, 5_000)).toBe(1009);
  });

  it('an announced 64 MiB message is refused at its header, before the server reads most of it', async () => {
    const rssBefore = process.memoryUsage().rss;

    const { sent, closeCode } = await sendAnnouncedFrame(server.port, 64 * MiB);

    expect(closeCode).toBe(1009);
    expect(sent).toBeLessThan(16 * MiB); // what the kernel's socket buffers took before the close arrived
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * MiB);
  });
});

describe('refusals at the upgrade', () => {
  it.each([
    ['an invalid Authorization header', { headers: { Authorization: 'Bearer not-a-token' } }, ''],
    ['an empty Authorization header', { headers: { Authorization: 'Bearer ' } }, ''],
    ['an invalid ?token=', {}, '?token=not-a-token'],
  ])('%s gets 401 and no socket', async (_name, options, query) => {
    const outcome = await open({ ...options, url: `${server.wsUrl}${query}` });

    expect(outcome).toEqual({ status: 401, body: JSON.stringify({ error: 'Invalid token' }) });
  });

  it('a valid upgrade token still opens a socket', async () => {
    const outcome = await open({ headers: { Authorization: `Bearer ${server.token}` } });

    expect('session' in outcome).toBe(true);
  });
});

describe('what a socket serves', () => {
  it(`runs at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions: one more gets an error, the others keep streaming`, async () => {
    const session = await openAuthenticatedWs(server.wsUrl, server.token);
    opened.push(session);
    for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_SOCKET; id++) {
      session.send({ id: String(id), type: 'subscribe', payload: { query: 'subscription { jobUpdates { uid status } }' } });
    }
    session.send({ id: 'extra', type: 'subscribe', payload: { query: 'subscription { jobUpdates { uid status } }' } });

    const refused = await session.waitFor((m) => m.id === 'extra');
    await gql(server, 'mutation { testMutation { success } }', undefined, server.token);

    expect(refused).toEqual({ id: 'extra', type: 'error', payload: [expect.objectContaining({ message: expect.stringContaining(`at most ${MAX_SUBSCRIPTIONS_PER_SOCKET}`) })] });
    for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_SOCKET; id++) {
      await session.waitFor((m) => m.id === String(id) && m.type === 'next');
    }
    expect(session.messages.filter((m) => m.id === 'extra')).toHaveLength(1);
  });

  it.each([
    ['a query', '{ api { version } }'],
    ['a mutation', 'mutation { testMutation { success } }'],
  ])('%s gets an error telling it to use HTTP POST /graphql, and has no effect', async (_name, query) => {
    const jobsBefore = (await gql(server, '{ jobs { getJobs { uid } } }', undefined, server.token)).body.data.jobs.getJobs.length;
    const session = await openAuthenticatedWs(server.wsUrl, server.token);
    opened.push(session);

    session.send({ id: 'op', type: 'subscribe', payload: { query } });

    const answer = await session.waitFor((m) => m.id === 'op');
    expect(answer).toEqual({ id: 'op', type: 'error', payload: [expect.objectContaining({ message: expect.stringContaining('HTTP POST /graphql') })] });
    const jobsAfter = (await gql(server, '{ jobs { getJobs { uid } } }', undefined, server.token)).body.data.jobs.getJobs.length;
    expect(jobsAfter).toBe(jobsBefore);
  });
});

describe('sockets waiting for connection_init', () => {
  // A server of their own for each test: every socket still waiting elsewhere would count against the caps.
  let own: TestServer;
  beforeEach(async () => {
    own = await startTestServer();
  });
  afterEach(async () => {
    await own?.close();
  });
  const openOn = (localAddress: string) => open({ localAddress, url: own.wsUrl });

  it('sockets waiting for connection_init are capped per address (429), and a slot frees on connection_init', async () => {
    const localAddress = '127.0.0.20';
    const waiting = [];
    for (let i = 0; i < 8; i++) waiting.push(await openOn(localAddress));
    expect(waiting.every((o) => 'session' in o)).toBe(true);

    expect(await openOn(localAddress)).toMatchObject({ status: 429 });
    const first = waiting[0] as { session: WsSession };
    first.session.send({ type: 'connection_init', payload: { Authorization: `Bearer ${own.token}` } });
    await first.session.waitFor((m) => m.type === 'connection_ack');
    expect('session' in (await openOn(localAddress))).toBe(true);
    for (const o of waiting) if ('session' in o) o.session.ws.terminate();
  });

  it('sockets waiting for connection_init are capped on the whole server (503)', async () => {
    const waiting = [];
    for (let host = 30; host < 38; host++) {
      for (let i = 0; i < 8; i++) waiting.push(openOn(`127.0.0.${host}`));
    }
    const outcomes = await Promise.all(waiting);
    expect(outcomes.every((o) => 'session' in o)).toBe(true);

    expect(await openOn('127.0.0.40')).toMatchObject({ status: 503 });
    for (const o of outcomes) if ('session' in o) o.session.ws.terminate();
  });
});

describe('shutdown', () => {
  it('closing the server closes open sockets with 1001 (going away)', async () => {
    const own = await startTestServer();
    const session = await openAuthenticatedWs(own.wsUrl, own.token);
    session.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { jobUpdates { uid } }' } });

    await own.close();

    expect(await closeCodeWithin(session, 2_000)).toBe(1001);
  });
});
