import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';

// Passwords and keys are read from the body only: a URL ends up in access logs, proxies and histories.
// 1.2.x also read them from the query string; such a request is refused with the field's legacy 400.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ authMaxFailures: 1000 });
});
afterAll(async () => {
  await server?.close();
});

const users = async () => (await rest(server, 'GET', '/users', { token: server.token })).body as string[];

describe('secret fields in the query string', () => {
  it('POST /users?username=carol&password=… is refused and creates nobody', async () => {
    const res = await rest(server, 'POST', '/users?username=carol&password=hunter2hunter2', { token: server.token });

    expect(res).toMatchObject({ status: 400, body: { message: { password: 'Send password in the request body, not in the query string' } } });
    expect(await users()).not.toContain('carol');
  });

  it('the password in the body still works, with the username in the query (legacy field lookup)', async () => {
    const res = await rest(server, 'POST', '/users?username=carol', { token: server.token, json: { password: 'hunter2hunter2' } });

    expect(res).toMatchObject({ status: 201, body: { result: 0, username: 'carol' } });
  });

  it('recovery and new-device keys are refused in the query string', async () => {
    for (const path of ['/auth/recovery_token/use', '/auth/new_device/authorize']) {
      const res = await rest(server, 'POST', `${path}?token=abandon%20abandon&device=laptop`);

      expect(res).toMatchObject({ status: 400, body: { message: { token: 'Send token in the request body, not in the query string' } } });
    }
  });

  it('authentication by the documented token query parameter still works', async () => {
    expect((await rest(server, 'GET', `/users?token=${server.token}`)).status).toBe(200);
  });
});
