import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { gql } from '../support/test-server.js';
import { closeCodeWithin, openAuthenticatedWs } from '../support/ws-session.js';

// Revocation crosses processes: a token deleted or refreshed through one API process closes the
// sockets another process holds open with it.

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
});
