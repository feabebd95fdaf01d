import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';

// Tokens are remembered between requests (no database lookup each time); a deleted or refreshed token
// must still be refused on the very next request, over GraphQL and over REST, on both databases.

const DEVICES = '{ api { devices { name } } }';

interface ServerBackend {
  name: string;
  start(): Promise<{ server: TestServer; dispose(): Promise<void> }>;
}

const BACKENDS: ServerBackend[] = [
  {
    name: 'PGlite',
    async start() {
      const server = await startTestServer();
      return { server, dispose: () => server.close() };
    },
  },
  ...(TEST_DATABASE_URL
    ? [
        {
          name: 'PostgreSQL',
          async start() {
            const database = await createTestDatabase();
            const server = await startTestServer({ databaseUrl: database.url });
            return {
              server,
              async dispose() {
                await server.close();
                await database.drop();
              },
            };
          },
        },
      ]
    : []),
];

describe.each(BACKENDS)('remembered tokens on $name', (backend) => {
  let server: TestServer;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ server, dispose } = await backend.start());
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  async function pairDevice(name: string): Promise<string> {
    const key = (await gql(server, 'mutation { api { getNewDeviceApiKey { key } } }', undefined, server.token)).body.data.api.getNewDeviceApiKey.key;
    const res = await gql(server, 'mutation($i: UseNewDeviceKeyInput!) { api { authorizeWithNewDeviceApiKey(input: $i) { token } } }', {
      i: { key, deviceName: name },
    });
    return res.body.data.api.authorizeWithNewDeviceApiKey.token;
  }

  /** Uses the token over both front doors, so each process has it remembered. */
  async function useToken(token: string): Promise<void> {
    expect((await gql(server, DEVICES, undefined, token)).body.data.api.devices.length).toBeGreaterThan(0);
    expect((await rest(server, 'GET', '/auth/tokens', { token })).status).toBe(200);
  }

  async function expectRefused(token: string): Promise<void> {
    const res = await gql(server, DEVICES, undefined, token);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await rest(server, 'GET', '/auth/tokens', { token })).status).toBe(401);
  }

  it('a new device token works on its first request', async () => {
    await useToken(await pairDevice('tablet'));
  });

  it('a token deleted over GraphQL is refused on the very next request', async () => {
    const phone = await pairDevice('phone');
    await useToken(phone);

    const res = await gql(server, 'mutation { api { deleteDeviceApiToken(device: "phone") { success } } }', undefined, server.token);

    expect(res.body.data.api.deleteDeviceApiToken.success).toBe(true);
    await expectRefused(phone);
  });

  it('a token deleted over REST is refused on the very next request', async () => {
    const watch = await pairDevice('watch');
    await useToken(watch);

    const res = await rest(server, 'DELETE', '/auth/tokens', { token: server.token, json: { token_name: 'watch' } });

    expect(res.status).toBe(200);
    await expectRefused(watch);
  });

  it('a refreshed token\'s old value is refused on the very next request and the new one works', async () => {
    const laptop = await pairDevice('laptop');
    await useToken(laptop);

    const res = await gql(server, 'mutation { api { refreshDeviceApiToken { success token } } }', undefined, laptop);
    const fresh = res.body.data.api.refreshDeviceApiToken.token as string;

    await expectRefused(laptop);
    await useToken(fresh);
  });

  it('a token refreshed over REST: the old value is refused at once, the new one works', async () => {
    const desktop = await pairDevice('desktop');
    await useToken(desktop);

    const res = await rest(server, 'POST', '/auth/tokens', { token: desktop });

    expect(res.status).toBe(200);
    await expectRefused(desktop);
    await useToken(res.body.token as string);
  });
});
