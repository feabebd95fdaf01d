import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { type WsSession, openAuthenticatedWs } from '../support/ws-session.js';

// The cost limits of GraphQL over HTTP apply to subscriptions too; a refused operation gets an
// error for its id and the socket stays open.

let server: TestServer;
let session: WsSession;

beforeAll(async () => {
  server = await startTestServer();
  session = await openAuthenticatedWs(server.wsUrl, server.token);
});
afterAll(async () => {
  session?.ws.terminate();
  await server?.close();
});

async function errorsFor(id: string, query: string): Promise<string[]> {
  session.send({ id, type: 'subscribe', payload: { query } });
  const answer = await session.waitFor((m) => m.id === id && (m.type === 'error' || m.type === 'next'));
  expect(answer.type).toBe('error');
  return (answer.payload as { message: string }[]).map((e) => e.message);
}

describe('subscriptions over WebSocket', () => {
  it('refuses a document over the token limit with an error, not a closed socket', async () => {
    const query = `subscription { jobUpdates { ${'uid '.repeat(6_000)}} }`;

    expect(await errorsFor('tokens', query)).toEqual([expect.stringMatching(/more tha[nt] 5000 tokens/)]);
    expect(session.ws.readyState).toBe(session.ws.OPEN);
  });

  it('answers a syntax error with an error for that id (the socket stays open)', async () => {
    expect(await errorsFor('syntax', 'subscription { jobUpdates { uid ')).toEqual([expect.stringMatching(/^Syntax Error/)]);
    expect(session.ws.readyState).toBe(session.ws.OPEN);
  });

  it('refuses fragments that expand to thousands of fields', async () => {
    const fragments = Array.from({ length: 12 }, (_, i) => `fragment F${i + 1} on ApiJob { ...F${i} ...F${i} }`).join('\n');
    const query = `subscription { jobUpdates { ...F12 } }\nfragment F0 on ApiJob { uid }\n${fragments}`;

    expect(await errorsFor('fields', query)).toEqual([expect.stringMatching(/too many fields: at most 500/)]);
  });

  it('refuses a selection nested too deeply', async () => {
    const deep = `subscription { jobUpdates { ${'x { '.repeat(20)}y${' }'.repeat(20)} } }`;

    expect(await errorsFor('depth', deep)).toContainEqual(expect.stringMatching(/nested too deeply: at most 15 levels/));
  });

  it('still runs a legitimate subscription on the same socket', async () => {
    session.send({ id: 'jobs', type: 'subscribe', payload: { query: 'subscription { jobUpdates { uid status } }' } });
    await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ query: 'mutation { testMutation { success } }' }),
    });

    const update = await session.waitFor((m) => m.id === 'jobs');

    expect(update.type).toBe('next');
    expect(update.payload.data.jobUpdates.length).toBeGreaterThan(0);
  });
});
