import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/test-server.js';

// Found by the GraphQL fuzz suite: requests the client got wrong were answered as internal errors.

async function post(server: TestServer, body: unknown, token?: string) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('GraphQL over HTTP: envelopes the client got wrong', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a subscription sent over HTTP with 400 and says where subscriptions are served', async () => {
    const res = await post(server, { query: 'subscription { jobUpdates { uid } }' }, server.token);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: 'Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql, not over HTTP',
        extensions: expect.objectContaining({ code: 'BAD_REQUEST' }),
      }),
    ]);
  });

  it.each([2, 'x'])('answers a persisted query of unsupported version %s with 400 BAD_REQUEST, not an internal error', async (version) => {
    const res = await post(server, { extensions: { persistedQuery: { version, sha256Hash: 'a'.repeat(64) } } });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: 'Unsupported persisted query version', extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) }),
    ]);
  });
});
