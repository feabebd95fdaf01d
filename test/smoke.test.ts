import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, rest, startTestServer } from './support/test-server.js';

describe('server smoke', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers health, version and an authenticated GraphQL query', async () => {
    expect(await rest(server, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const result = await gql(server, '{ api { version devices { name isCaller } } }', undefined, server.token);
    expect(result.body.data.api).toEqual({ version: '3.8.4', devices: [{ name: 'initial', isCaller: true }] });
  });
});
