import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceToken } from '../../src/core/auth/device-tokens.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { closeCodeWithin, openAuthenticatedWs } from '../support/ws-session.js';

// A socket lives as long as its token: deleting or refreshing the token closes it (4403) at once,
// and a token gone for any other reason is refused at the socket's next operation.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const JOB_UPDATES = { query: 'subscription { jobUpdates { uid status } }' };

async function deviceToken(name: string): Promise<string> {
  return (await createDeviceToken(server.runtime.deps, name)).token;
}

describe('revocation over open sockets (one process)', () => {
  it('deleting a device token closes the sockets opened with it with 4403; other sockets stay open', async () => {
    const phone = await openAuthenticatedWs(server.wsUrl, await deviceToken('phone'));
    phone.send({ id: '1', type: 'subscribe', payload: JOB_UPDATES });
    const other = await openAuthenticatedWs(server.wsUrl, server.token);

    const res = await gql(server, 'mutation { api { deleteDeviceApiToken(device: "phone") { success code } } }', undefined, server.token);

    expect(res.body.data.api.deleteDeviceApiToken).toEqual({ success: true, code: 200 });
    expect(await closeCodeWithin(phone, 2_000)).toBe(4403);
    other.send({ type: 'ping' });
    await other.waitFor((m) => m.type === 'pong');
    other.ws.close();
  });

  it('deleting through legacy REST closes the socket too', async () => {
    const tablet = await openAuthenticatedWs(server.wsUrl, await deviceToken('tablet'));

    const res = await rest(server, 'DELETE', '/auth/tokens', { token: server.token, json: { token_name: 'tablet' } });

    expect(res.status).toBe(200);
    expect(await closeCodeWithin(tablet, 2_000)).toBe(4403);
  });

  it('refreshing a token closes the sockets opened with the old one', async () => {
    const token = await deviceToken('laptop');
    const laptop = await openAuthenticatedWs(server.wsUrl, token);
    laptop.send({ id: '1', type: 'subscribe', payload: JOB_UPDATES });

    const res = await rest(server, 'POST', '/auth/tokens', { token });

    expect(res.status).toBe(200);
    expect(await closeCodeWithin(laptop, 2_000)).toBe(4403);
    const fresh = await openAuthenticatedWs(server.wsUrl, res.body.token);
    fresh.send({ type: 'ping' });
    await fresh.waitFor((m) => m.type === 'pong');
    fresh.ws.close();
  });

  it('a token that vanished without an announcement is refused at the socket\u2019s next operation', async () => {
    const desk = await openAuthenticatedWs(server.wsUrl, await deviceToken('desk'));
    await server.runtime.deps.tokens.deleteByName('desk'); // straight in the database: nothing announced

    desk.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { count }' } });

    expect(await closeCodeWithin(desk, 2_000)).toBe(4403);
    expect(desk.messages.filter((m) => m.type === 'next')).toEqual([]);
  });
});
