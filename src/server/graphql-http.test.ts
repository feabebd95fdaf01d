import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../test/support/test-server.js';

// What GraphQL over HTTP answers besides the data: the headers Apollo's default plugins set, the landing
// page, and our request hooks (introspection for callers, subscriptions refused, variable errors as 200).

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function post(body: unknown, token?: string) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('GraphQL over HTTP', () => {
  it('marks every answer of an operation Cache-Control: no-store, with data or with errors', async () => {
    const ok = await post({ query: '{ api { version } }' }, server.token);
    expect(ok).toMatchObject({ status: 200, cacheControl: 'no-store', body: { data: { api: { version: expect.any(String) } } } });
    const unknownField = await post({ query: '{ nope }' }, server.token);
    expect(unknownField).toMatchObject({ status: 400, cacheControl: 'no-store' });
    const unparsable = await post({ query: '{ api { version ' }, server.token);
    expect(unparsable).toMatchObject({ status: 400, cacheControl: 'no-store' });
  });

  it('answers a POST with its JSON type and exact length, and a GET with an ETag that a conditional GET answers 304', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ query: '{ api { version } }' }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(JSON.parse(bytes.toString())).toMatchObject({ data: { api: { version: expect.any(String) } } });

    const path = `/graphql?query=${encodeURIComponent('{ api { version } }')}`;
    const headers = { authorization: `Bearer ${server.token}`, 'apollo-require-preflight': 'true' };
    const first = await fetch(`${server.url}${path}`, { headers });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    // fetch would add `cache-control: no-cache` to a conditional request; node's client sends it as is
    const status = await new Promise((resolve, reject) => {
      get(`${server.url}${path}`, { headers: { ...headers, 'if-none-match': etag! } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(304);
  });

  it('answers a variable that cannot be coerced with 200 and data: null', async () => {
    const query = 'query ($start: DateTime) { monitoring { cpuUsage(start: $start) { __typename } } }';
    const res = await post({ query, variables: { start: 'not a date' } }, server.token);
    expect(res).toMatchObject({ status: 200, cacheControl: 'no-store', body: { data: null, errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] } });
  });

  it('describes the schema to authenticated callers only', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect(await post({ query }, server.token)).toMatchObject({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
    expect(await post({ query })).toMatchObject({ status: 401, cacheControl: 'no-store', body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
  });

  it('refuses a subscription over HTTP', async () => {
    const res = await post({ query: 'subscription { jobUpdates { uid } }' }, server.token);
    expect(res).toMatchObject({ status: 400, cacheControl: 'no-store', body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
    expect(res.body.errors?.[0]?.message).toMatch(/WebSocket/);
  });

  it('shows the landing page to a browser asking GET /graphql for HTML', async () => {
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toMatch(/embeddable-sandbox/);
  });
});
