import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { gql, rest } from '../support/test-server.js';
import { closeCodeWithin, openAuthenticatedWs } from '../support/ws-session.js';

// Revocation crosses processes: a token deleted or refreshed through one API process closes the
// sockets another process holds open with it, and the other process, which remembers tokens between
// requests, refuses it on the very next request.

describe.runIf(TEST_DATABASE_URL)('token revocation across two API processes on one PostgreSQL', () => {
  const apis: ApiProcess[] = [];
  let drop: () => Promise<void>;
  let token: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const dataDir = mkdtempSync(join(tmpdir(), 'sp-revoke-'));
    for (let i = 0; i < 2; i++) {
      const api = spawnApi(dataDir, await freePort(), { DATABASE_URL: database.url });
      apis.push(api);
      await untilHealthy(api);
    }
    token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apis.map((api) => stopApi(api)));
    await drop?.();
  });

  /** Pairs a new device through process 1 and returns its token. */
  async function pairDevice(name: string): Promise<string> {
    const key = (await gql(apis[0]!, 'mutation { api { getNewDeviceApiKey { key } } }', undefined, token)).body.data.api.getNewDeviceApiKey.key;
    const res = await gql(apis[0]!, 'mutation($i: UseNewDeviceKeyInput!) { api { authorizeWithNewDeviceApiKey(input: $i) { token } } }', {
      i: { key, deviceName: name },
    });
    return res.body.data.api.authorizeWithNewDeviceApiKey.token;
  }

  const wsUrlOf = (api: ApiProcess) => `${api.url.replace('http', 'ws')}/graphql`;

  it('deleting a token in process 1 closes its socket in process 2 with 4403', async () => {
    const phone = await openAuthenticatedWs(wsUrlOf(apis[1]!), await pairDevice('phone'));
    phone.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { jobUpdates { uid } }' } });

    const res = await gql(apis[0]!, 'mutation { api { deleteDeviceApiToken(device: "phone") { success } } }', undefined, token);

    expect(res.body.data.api.deleteDeviceApiToken.success).toBe(true);
    expect(await closeCodeWithin(phone, 3_000)).toBe(4403);
  }, 30_000);

  it('refreshing a token in process 1 closes the socket process 2 holds with the old one', async () => {
    const laptopToken = await pairDevice('laptop');
    const laptop = await openAuthenticatedWs(wsUrlOf(apis[1]!), laptopToken);
    const other = await openAuthenticatedWs(wsUrlOf(apis[1]!), token);

    const res = await gql(apis[0]!, 'mutation { api { refreshDeviceApiToken { success token } } }', undefined, laptopToken);

    expect(res.body.data.api.refreshDeviceApiToken.success).toBe(true);
    expect(await closeCodeWithin(laptop, 3_000)).toBe(4403);
    other.send({ type: 'ping' });
    await other.waitFor((m) => m.type === 'pong');
    other.ws.close();
  }, 30_000);

  const DEVICES = '{ api { devices { name } } }';

  /** Uses the token at `api` over both front doors (so that process remembers it). */
  async function expectAccepted(api: ApiProcess, token: string): Promise<void> {
    expect((await gql(api, DEVICES, undefined, token)).body.data?.api.devices.length).toBeGreaterThan(0);
    expect((await rest(api, 'GET', '/auth/tokens', { token })).status).toBe(200);
  }

  async function expectRefused(api: ApiProcess, token: string): Promise<void> {
    const res = await gql(api, DEVICES, undefined, token);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await rest(api, 'GET', '/auth/tokens', { token })).status).toBe(401);
  }

  it('a device paired through process 1 is accepted by process 2 at once', async () => {
    await expectAccepted(apis[1]!, await pairDevice('tablet'));
  }, 30_000);

  it('a token deleted through process 1 is refused by process 2 on the very next request', async () => {
    for (let i = 0; i < 5; i++) {
      const name = `watch${i}`;
      const watch = await pairDevice(name);
      await expectAccepted(apis[1]!, watch);

      const res = i % 2 === 0
        ? (await gql(apis[0]!, `mutation { api { deleteDeviceApiToken(device: "${name}") { success } } }`, undefined, token)).body.data.api.deleteDeviceApiToken.success
        : (await rest(apis[0]!, 'DELETE', '/auth/tokens', { token, json: { token_name: name } })).status === 200;

      expect(res).toBe(true);
      await expectRefused(apis[1]!, watch);
    }
  }, 60_000);

  it('a token refreshed through process 1: process 2 refuses the old value at once and accepts the new one', async () => {
    const desktop = await pairDevice('desktop');
    await expectAccepted(apis[1]!, desktop);

    const res = await gql(apis[0]!, 'mutation { api { refreshDeviceApiToken { success token } } }', undefined, desktop);
    const fresh = res.body.data.api.refreshDeviceApiToken.token as string;

    await expectRefused(apis[1]!, desktop);
    await expectAccepted(apis[1]!, fresh);
  }, 30_000);
});
