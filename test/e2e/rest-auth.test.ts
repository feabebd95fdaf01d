import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTokens, newDeviceKey, recoveryKey } from '../../src/infra/db/schema.js';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { DEVICE_TOKEN, LOCAL_DATE, WRONG_PHRASE_12, deviceNames, expectNoStackTrace, form, pairDevice, words } from './rest-helpers.js';

const NOT_ALLOWED = { message: 'The method is not allowed for the requested URL.' };
const MISSING_HEADER = { error: 'Missing Authorization header' };
const INVALID_TOKEN = { error: 'Invalid token' };

let server: TestServer;
let admin: string;

beforeAll(async () => {
  // Many deliberate wrong phrases below: keep the brute-force limiter (tested in its own file) out of the way.
  server = await startTestServer({ authMaxFailures: 1000 });
  admin = server.token;
});
afterAll(async () => {
  await server?.close();
});

describe('GET /api/version', () => {
  it('answers without a token', async () => {
    const res = await rest(server, 'GET', '/api/version');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: '3.8.4' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('ignores an invalid Authorization header', async () => {
    const res = await rest(server, 'GET', '/api/version', { headers: { authorization: 'Bearer not-a-token' } });
    expect(res).toMatchObject({ status: 200, body: { version: '3.8.4' } });
  });
});

describe('global authentication', () => {
  it('rejects a request without Authorization header', async () => {
    expect(await rest(server, 'GET', '/auth/tokens')).toMatchObject({ status: 401, body: MISSING_HEADER });
  });

  it('rejects a wrong token, and a lower-case "bearer" prefix', async () => {
    expect(await rest(server, 'GET', '/auth/tokens', { token: 'wrong' })).toMatchObject({ status: 401, body: INVALID_TOKEN });
    const lower = await rest(server, 'GET', '/auth/tokens', { headers: { authorization: `bearer ${admin}` } });
    expect(lower).toMatchObject({ status: 401, body: INVALID_TOKEN });
  });

  it('accepts a bare token without "Bearer "', async () => {
    const res = await rest(server, 'GET', '/auth/tokens', { headers: { authorization: admin } });
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual(expect.objectContaining({ name: 'initial', is_caller: true }));
  });

  it('accepts the token as ?token= query parameter; a present header still wins', async () => {
    const res = await rest(server, 'GET', `/auth/tokens?token=${encodeURIComponent(admin)}`);
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual(expect.objectContaining({ name: 'initial', is_caller: true }));
    expect(await rest(server, 'GET', '/auth/tokens?token=wrong')).toMatchObject({ status: 401, body: INVALID_TOKEN });
    const both = await rest(server, 'GET', `/auth/tokens?token=${encodeURIComponent(admin)}`, { token: 'wrong' });
    expect(both).toMatchObject({ status: 401, body: INVALID_TOKEN });
  });

  it('answers 401 on an unknown path for a stranger, a JSON 404 for a device', async () => {
    expect(await rest(server, 'GET', '/no/such/path')).toMatchObject({ status: 401, body: MISSING_HEADER });
    expect(await rest(server, 'GET', '/no/such/path', { token: 'wrong' })).toMatchObject({ status: 401, body: INVALID_TOKEN });
    const res = await rest(server, 'GET', '/no/such/path', { token: admin });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message: 'The requested URL was not found on the server.' });
    // paths match exactly: no trailing-slash variant, case-sensitive
    expect((await rest(server, 'GET', '/auth/tokens/', { token: admin })).status).toBe(404);
    expect((await rest(server, 'DELETE', '/auth/tokens/', { token: admin, json: { token_name: 'initial' } })).status).toBe(404);
    expect((await rest(server, 'GET', '/Auth/Tokens', { token: admin })).status).toBe(404);
    expect((await rest(server, 'GET', '/api/version/')).status).toBe(404);
  });

  it('answers 405 on a wrong method after authentication, 401 before', async () => {
    expect(await rest(server, 'GET', '/auth/new_device')).toMatchObject({ status: 401, body: MISSING_HEADER });
    const res = await rest(server, 'GET', '/auth/new_device', { token: admin });
    expect(res).toMatchObject({ status: 405, body: NOT_ALLOWED });
    expect(res.headers.get('allow')).toBe('POST, DELETE');
    expect(await rest(server, 'PUT', '/auth/tokens', { token: admin })).toMatchObject({ status: 405, body: NOT_ALLOWED });
    expect(await rest(server, 'GET', '/auth/recovery_token/use', { token: admin })).toMatchObject({ status: 405, body: NOT_ALLOWED });
  });
});

describe('/auth/tokens', () => {
  it('GET lists the devices with dates and marks the caller', async () => {
    const phone = await pairDevice(server, admin, 'ListPhone');
    const res = await rest(server, 'GET', '/auth/tokens', { token: phone });
    expect(res.status).toBe(200);
    const byName = Object.fromEntries((res.body as any[]).map((d) => [d.name, d]));
    expect(Object.keys(byName.ListPhone).sort()).toEqual(['date', 'is_caller', 'name']);
    expect(byName.ListPhone.is_caller).toBe(true);
    expect(byName.initial.is_caller).toBe(false);
    for (const d of res.body as any[]) expect(d.date).toMatch(LOCAL_DATE);
    expect(JSON.stringify(res.body)).not.toContain(phone);
  });

  it('POST refreshes the caller token: a new 43-char token, the old one gets 401, name kept', async () => {
    const old = await pairDevice(server, admin, 'RefreshMe');
    const res = await rest(server, 'POST', '/auth/tokens', { token: old });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['token']);
    expect(res.body.token).toMatch(DEVICE_TOKEN);
    expect(res.body.token).not.toBe(old);
    expect(await rest(server, 'GET', '/auth/tokens', { token: old })).toMatchObject({ status: 401, body: INVALID_TOKEN });
    const list = await rest(server, 'GET', '/auth/tokens', { token: res.body.token });
    expect(list.body).toContainEqual(expect.objectContaining({ name: 'RefreshMe', is_caller: true }));
  });

  it('DELETE without a name is 400 with the help text', async () => {
    const res = await rest(server, 'DELETE', '/auth/tokens', { token: admin });
    expect(res).toMatchObject({ status: 400, body: { message: { token_name: 'Token to delete' } } });
    expect(res.body).toEqual({ message: { token_name: 'Token to delete' } });
  });

  it("DELETE of the caller's own token is 400 and it keeps working", async () => {
    const res = await rest(server, 'DELETE', '/auth/tokens', { token: admin, json: { token_name: 'initial' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: "Cannot delete caller's token" });
    expect((await rest(server, 'GET', '/auth/tokens', { token: admin })).status).toBe(200);
  });

  it('DELETE of an unknown name is 404', async () => {
    const res = await rest(server, 'DELETE', '/auth/tokens', { token: admin, json: { token_name: 'NoSuchDevice' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Token not found' });
  });

  it.each([
    ['token_name', 'json'],
    ['token', 'json'],
    ['device', 'json'],
    ['token_name', 'form'],
    ['token_name', 'query'],
  ])('DELETE by `%s` (%s) removes the device and revokes its token', async (fieldName, how) => {
    const name = `Del${fieldName.replace('_', '')}${how}`;
    const victim = await pairDevice(server, admin, name);
    const path = how === 'query' ? `/auth/tokens?${fieldName}=${name}` : '/auth/tokens';
    const options = how === 'json' ? { json: { [fieldName]: name } } : how === 'form' ? form({ [fieldName]: name }) : {};
    const res = await rest(server, 'DELETE', path, { token: admin, ...options });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Token deleted' });
    expect(await deviceNames(server, admin)).not.toContain(name);
    expect(await rest(server, 'GET', '/auth/tokens', { token: victim })).toMatchObject({ status: 401, body: INVALID_TOKEN });
    // a second delete finds nothing
    expect((await rest(server, 'DELETE', '/auth/tokens', { token: admin, json: { token_name: name } })).status).toBe(404);
  });
});

describe('/auth/new_device', () => {
  it('POST needs a token and returns a 12-word phrase', async () => {
    expect(await rest(server, 'POST', '/auth/new_device')).toMatchObject({ status: 401, body: MISSING_HEADER });
    const res = await rest(server, 'POST', '/auth/new_device', { token: admin });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['token']);
    expect(words(res.body.token)).toHaveLength(12);
    expect(res.body.token).toMatch(/^[a-z]+( [a-z]+){11}$/);
  });

  it('authorize: missing fields are 400 with help texts, token first', async () => {
    const none = await rest(server, 'POST', '/auth/new_device/authorize', { json: {} });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ message: { token: 'Mnemonic token to authorize' } });
    const noDevice = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: WRONG_PHRASE_12 } });
    expect(noDevice.body).toEqual({ message: { device: 'Device to authorize' } });
    expect(noDevice.status).toBe(400);
    const noToken = await rest(server, 'POST', '/auth/new_device/authorize', { json: { device: 'x' } });
    expect(noToken).toMatchObject({ status: 400, body: { message: { token: 'Mnemonic token to authorize' } } });
    const nullToken = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: null, device: 'x' } });
    expect(nullToken).toMatchObject({ status: 400, body: { message: { token: 'Mnemonic token to authorize' } } });
  });

  it('authorize: a wrong phrase is 404 and does not consume the key; the key is single use', async () => {
    const key = (await rest(server, 'POST', '/auth/new_device', { token: admin })).body.token as string;
    for (const phrase of [WRONG_PHRASE_12, 'not a mnemonic', `${key} `, key.toUpperCase()]) {
      const wrong = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: phrase, device: 'Wrong' } });
      expect(wrong.status).toBe(404);
      expect(wrong.body).toEqual({ message: 'Token not found' });
    }
    const ok = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: key, device: 'SingleUse' } });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body)).toEqual(['message', 'token']);
    expect(ok.body.message).toBe('Device authorized');
    expect(ok.body.token).toMatch(DEVICE_TOKEN);
    const list = await rest(server, 'GET', '/auth/tokens', { token: ok.body.token });
    expect(list.body).toContainEqual(expect.objectContaining({ name: 'SingleUse', is_caller: true }));
    const again = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: key, device: 'Again' } });
    expect(again).toMatchObject({ status: 404, body: { message: 'Token not found' } });
    expect(await deviceNames(server, admin)).not.toContain('Again');
  });

  it('authorize sanitizes the device name and keeps names unique', async () => {
    const first = await pairDevice(server, admin, 'My Phone!');
    const second = await pairDevice(server, admin, 'My Phone!');
    const list = (await rest(server, 'GET', '/auth/tokens', { token: admin })).body as { name: string }[];
    const names = list.map((d) => d.name);
    expect(names).toContain('My_Phone_');
    expect(names.filter((n) => /^My_Phone_\d$/.test(n))).toHaveLength(1);
    expect(first).not.toBe(second);
  });

  it('a new POST replaces the previous key', async () => {
    const old = (await rest(server, 'POST', '/auth/new_device', { token: admin })).body.token;
    const fresh = (await rest(server, 'POST', '/auth/new_device', { token: admin })).body.token;
    const withOld = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: old, device: 'Old' } });
    expect(withOld).toMatchObject({ status: 404, body: { message: 'Token not found' } });
    const withFresh = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: fresh, device: 'Fresh' } });
    expect(withFresh.status).toBe(200);
  });

  it('DELETE invalidates the key and answers {"token": null}, also when there is none', async () => {
    expect(await rest(server, 'DELETE', '/auth/new_device')).toMatchObject({ status: 401, body: MISSING_HEADER });
    const key = (await rest(server, 'POST', '/auth/new_device', { token: admin })).body.token;
    const del = await rest(server, 'DELETE', '/auth/new_device', { token: admin, json: { token: key } });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ token: null });
    const auth = await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: key, device: 'Deleted' } });
    expect(auth).toMatchObject({ status: 404, body: { message: 'Token not found' } });
    const again = await rest(server, 'DELETE', '/auth/new_device', { token: admin });
    expect(again).toMatchObject({ status: 200, body: { token: null } });
  });

  it('authorize accepts form-encoded fields; the key is refused in the query string (URLs end up in logs)', async () => {
    const k1 = (await rest(server, 'POST', '/auth/new_device', { token: admin })).body.token as string;
    const q = new URLSearchParams({ token: k1, device: 'QueryPhone' });
    expect(await rest(server, 'POST', `/auth/new_device/authorize?${q}`)).toMatchObject({
      status: 400, body: { message: { token: 'Send token in the request body, not in the query string' } },
    });
    const f = await rest(server, 'POST', '/auth/new_device/authorize', form({ token: k1, device: 'FormPhone' }));
    expect(f).toMatchObject({ status: 200, body: { message: 'Device authorized' } });
    const names = await deviceNames(server, admin);
    expect(names).toContain('FormPhone');
    expect(names).not.toContain('QueryPhone');
  });
});

describe('OpenAPI document and Swagger UI', () => {
  it('GET /api/swagger.json is an OpenAPI 3 document listing every legacy path', async () => {
    const res = await rest(server, 'GET', '/api/swagger.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    // every area adds its own paths; these are the authentication ones
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/version',
        '/auth/new_device',
        '/auth/new_device/authorize',
        '/auth/recovery_token',
        '/auth/recovery_token/use',
        '/auth/tokens',
      ]),
    );
    const methods = (p: string) => Object.keys(res.body.paths[p]).sort();
    expect(methods('/auth/tokens')).toEqual(['delete', 'get', 'post']);
    expect(methods('/auth/new_device')).toEqual(['delete', 'post']);
    expect(methods('/auth/recovery_token')).toEqual(['get', 'post']);
    expect(methods('/auth/new_device/authorize')).toEqual(['post']);
    expect(methods('/auth/recovery_token/use')).toEqual(['post']);
    expect(methods('/api/version')).toEqual(['get']);
  });

  it('GET /api/docs/ serves the Swagger UI page without a token', async () => {
    const res = await fetch(`${server.url}/api/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/swagger-ui/i);
  });
});

describe('token storage', () => {
  it('stores only SHA-256 digests of device tokens and keys', async () => {
    const paired = await pairDevice(server, admin, 'HashCheck');
    const recovery = (await rest(server, 'POST', '/auth/recovery_token', { token: admin })).body.token as string;
    const pairing = (await rest(server, 'POST', '/auth/new_device', { token: admin })).body.token as string;
    const secrets = [admin, paired, recovery, pairing];
    const { db } = server.runtime.database;
    const rows = await db.select().from(deviceTokens);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const stored = [...rows, ...(await db.select().from(recoveryKey)), ...(await db.select().from(newDeviceKey))]
      .flatMap((row) => Object.values(row))
      .map((v) => (v instanceof Date ? v.toISOString() : String(v)));
    for (const secret of secrets) for (const value of stored) expect(value).not.toContain(secret);
    for (const row of rows) expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(rows.map((r) => r.tokenHash)).toEqual(expect.arrayContaining([sha(admin), sha(paired)]));
  });
});

describe('no stack traces', () => {
  it('error answers carry no stack trace or source path', async () => {
    const answers = [
      await rest(server, 'GET', '/auth/tokens'),
      await rest(server, 'GET', '/nope', { token: admin }),
      await rest(server, 'GET', '/%E0%A4%A', { token: admin }),
      await rest(server, 'PUT', '/auth/tokens', { token: admin }),
      await rest(server, 'DELETE', '/auth/tokens', { token: admin, json: { token_name: { a: 1 } } }),
      await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: ['x'], device: 'x' } }),
      await rest(server, 'POST', '/auth/new_device/authorize', { rawBody: '{"token":', headers: { 'content-type': 'application/json' } }),
      await rest(server, 'POST', '/auth/new_device/authorize', { rawBody: 'x'.repeat(2_000_000), headers: { 'content-type': 'application/json' } }),
      await rest(server, 'POST', '/auth/new_device/authorize', { rawBody: '{"token":"a","device":"x"}', headers: { 'content-type': 'application/json; charset=koi8-r' } }),
    ];
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectNoStackTrace(res.body);
    }
  });
});
