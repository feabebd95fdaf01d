import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, startTestServer } from '../support/test-server.js';

// Found by the WebSocket fuzz suite: small messages nested deeply enough to exhaust the stack
// closed the socket with 4500 (internal server error) instead of being refused as the client's.

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Opens an authenticated socket, sends `message`, and reports what came back until close (or 1.5 s). */
async function exchange(server: TestServer, message: string): Promise<{ close?: { code: number; reason: string }; received: any[] }> {
  const ws = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  const received: any[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${server.token}` } }));
  while (!received.some((m) => m.type === 'connection_ack')) await new Promise((r) => setTimeout(r, 10));
  ws.send(message);
  const close = await new Promise<{ code: number; reason: string } | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 1_500);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: String(reason) });
    });
  });
  ws.terminate();
  return { close, received: received.filter((m) => m.type !== 'connection_ack') };
}

describe('WebSocket messages nested too deeply', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a ping whose payload is nested 10,000 levels deep as an invalid message (4400), not an internal error', async () => {
    const result = await exchange(server, `{"type":"ping","payload":${nested(10_000)}}`);

    expect(result.close).toEqual({ code: 4400, reason: 'Invalid message received' });
    expect(result.received).toEqual([]);
  });

  it('refuses a subscribe whose variables nest 40 levels deep (4400) before the operation starts', async () => {
    const result = await exchange(server, `{"id":"1","type":"subscribe","payload":{"query":"subscription { count }","variables":{"v":${nested(38)}}}}`);

    expect(result.close).toEqual({ code: 4400, reason: 'Invalid message received' });
    expect(result.received).toEqual([]);
  });

  it('answers a subscription nesting 3,000 selections with an error for that operation, keeping the socket open', async () => {
    const query = `subscription { ${'a { '.repeat(3_000)}b${' }'.repeat(3_000)} }`;

    const result = await exchange(server, JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));

    expect(result.close).toBeUndefined();
    expect(result.received).toEqual([
      { id: '1', type: 'error', payload: [expect.objectContaining({ message: 'The operation is nested too deeply to be parsed.' })] },
    ]);
  });

  it('still answers a ping with an ordinary payload', async () => {
    const result = await exchange(server, '{"type":"ping","payload":{"at":{"time":1}}}');

    expect(result.close).toBeUndefined();
    expect(result.received).toEqual([{ type: 'pong', payload: { at: { time: 1 } } }]);
  });
});
