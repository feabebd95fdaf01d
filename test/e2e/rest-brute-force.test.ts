import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { DEVICE_TOKEN, WRONG_PHRASE_12, WRONG_PHRASE_18, expectNoStackTrace } from './rest-helpers.js';

// The server trusts X-Forwarded-For from loopback (nginx in front), so each address below is a separate client.
const from = (ip: string) => ({ 'x-forwarded-for': ip });

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ authMaxFailures: 3 });
  admin = server.token;
});
afterAll(async () => {
  await server?.close();
});

const newRecoveryKey = async (uses?: number) =>
  (await rest(server, 'POST', '/auth/recovery_token', { token: admin, json: uses ? { uses } : {} })).body.token as string;
const newDeviceKey = async () => (await rest(server, 'POST', '/auth/new_device', { token: admin })).body.token as string;
const useRecovery = (token: string, device: string, headers?: Record<string, string>) =>
  rest(server, 'POST', '/auth/recovery_token/use', { json: { token, device }, headers });
const authorize = (token: string, device: string, headers?: Record<string, string>) =>
  rest(server, 'POST', '/auth/new_device/authorize', { json: { token, device }, headers });

function expectTooMany(res: Awaited<ReturnType<typeof rest>>): void {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error).toEqual(expect.any(String));
  expect(res.body.error.length).toBeGreaterThan(0);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expectNoStackTrace(res.body);
}

describe('failed key attempts are limited per client address', () => {
  it('after 3 failed recovery uses, the 4th is 429 even with the right phrase, and spends nothing', async () => {
    const key = await newRecoveryKey(1);
    for (let i = 0; i < 3; i++) {
      expect(await useRecovery(WRONG_PHRASE_18, 'Attacker')).toMatchObject({ status: 404, body: { error: 'Token not found' } });
    }
    expectTooMany(await useRecovery(key, 'Attacker'));
    const status = await rest(server, 'GET', '/auth/recovery_token', { token: admin });
    expect(status.body).toMatchObject({ valid: true, uses_left: 1 });
    const names = (await rest(server, 'GET', '/auth/tokens', { token: admin })).body.map((d: { name: string }) => d.name);
    expect(names).not.toContain('Attacker');
  });

  it('the same block applies to /auth/new_device/authorize, without consuming the key', async () => {
    const key = await newDeviceKey();
    expectTooMany(await authorize(key, 'Attacker'));
    const other = await authorize(key, 'Honest', from('10.0.0.3'));
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ message: 'Device authorized', token: expect.stringMatching(DEVICE_TOKEN) });
  });

  it('other addresses are not affected', async () => {
    const key = await newRecoveryKey();
    for (let i = 0; i < 3; i++) expect((await useRecovery(WRONG_PHRASE_18, 'Bad', from('10.0.0.1'))).status).toBe(404);
    expectTooMany(await useRecovery(key, 'Bad', from('10.0.0.1')));
    const ok = await useRecovery(key, 'Good', from('10.0.0.2'));
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(DEVICE_TOKEN);
  });

  it('failed new-device authorizations count too and also block recovery', async () => {
    const client = from('10.0.0.4');
    const key = await newDeviceKey();
    for (let i = 0; i < 3; i++) {
      expect(await authorize(WRONG_PHRASE_12, 'Guess', client)).toMatchObject({ status: 404, body: { message: 'Token not found' } });
    }
    expectTooMany(await authorize(key, 'Guess', client));
    expectTooMany(await useRecovery(await newRecoveryKey(), 'Guess', client));
  });

  it('requests with missing fields are not failed attempts', async () => {
    const client = from('10.0.0.5');
    for (let i = 0; i < 5; i++) {
      expect((await rest(server, 'POST', '/auth/recovery_token/use', { json: {}, headers: client })).status).toBe(400);
      expect((await rest(server, 'POST', '/auth/new_device/authorize', { json: { token: 'x' }, headers: client })).status).toBe(400);
    }
    expect((await useRecovery(await newRecoveryKey(), 'Patient', client)).status).toBe(200);
  });
});
