import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { DEVICE_TOKEN, LOCAL_DATE, WRONG_PHRASE_18, deviceNames, expectNoStackTrace, form, words } from './rest-helpers.js';

const NOT_FOUND = { error: 'Token not found' };
const BAD_REQUEST = { message: 'The browser (or proxy) sent a request that this server could not understand.' };
const JSON_TYPE = { 'content-type': 'application/json' };

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

const status = async () => {
  const res = await rest(server, 'GET', '/auth/recovery_token', { token: admin });
  expect(res.status).toBe(200);
  return res.body;
};
const generate = (body?: unknown) => rest(server, 'POST', '/auth/recovery_token', { token: admin, json: body });
const useKey = (token: string, device: string) => rest(server, 'POST', '/auth/recovery_token/use', { json: { token, device } });

/** Naive local `YYYY-MM-DDTHH:MM:SS.mmm`, the form the 2022 app sent. */
function localNaive(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}`;
}

describe('GET /auth/recovery_token', () => {
  it('needs a token', async () => {
    expect(await rest(server, 'GET', '/auth/recovery_token')).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
  });

  it('reports no key before one is generated', async () => {
    expect(await status()).toEqual({ exists: false, valid: false, date: null, expiration: null, uses_left: null });
  });

  it('use without any key is 404', async () => {
    const res = await useKey(WRONG_PHRASE_18, 'NoKey');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_FOUND);
  });
});

describe('POST /auth/recovery_token', () => {
  it('needs a token', async () => {
    expect(await rest(server, 'POST', '/auth/recovery_token')).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
  });

  it('without a body gives an unlimited 18-word key', async () => {
    const res = await rest(server, 'POST', '/auth/recovery_token', { token: admin });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['token']);
    expect(words(res.body.token)).toHaveLength(18);
    expect(res.body.token).toMatch(/^[a-z]+( [a-z]+){17}$/);
    const s = await status();
    expect(s).toEqual({ exists: true, valid: true, date: expect.stringMatching(LOCAL_DATE), expiration: null, uses_left: null });
  });

  it('accepts uses as a numeric string and truncates a float', async () => {
    expect((await generate({ uses: '2' })).status).toBe(200);
    expect((await status()).uses_left).toBe(2);
    expect((await generate({ uses: 3.7 })).status).toBe(200);
    expect((await status()).uses_left).toBe(3);
  });

  it('rejects bad uses values', async () => {
    const abc = await generate({ uses: 'abc' });
    expect(abc.status).toBe(400);
    expect(abc.body).toEqual({ message: { uses: 'Token uses' } });
    for (const uses of [0, -1, '0']) {
      const res = await generate({ uses });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: 'Uses must be greater than 0' });
    }
  });

  it('rejects a past expiration and an unreadable one', async () => {
    const past = await generate({ expiration: '2000-01-01T00:00:00.000' });
    expect(past.status).toBe(400);
    expect(past.body).toEqual({ message: 'Expiration date cannot be in the past' });
    for (const expiration of ['tomorrow', '2099-13-01T00:00:00.000', '01/01/2099']) {
      const res = await generate({ expiration });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'Invalid expiration date. Use YYYY-MM-DDTHH:MM:SS.SSS' });
    }
  });

  it.each([
    ['2099-01-01T00:00:00.000', '2099-01-01T00:00:00'],
    ['2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00'],
    ['2099-01-01 00:00:00.123', '2099-01-01T00:00:00.123000'],
    ['2099-06-30T12:34:56.789012', '2099-06-30T12:34:56.789000'],
  ])('accepts the legacy expiration form %s (local time)', async (expiration, shown) => {
    const res = await generate({ expiration, uses: 5 });
    expect(res.status).toBe(200);
    expect(await status()).toMatchObject({ exists: true, valid: true, expiration: shown, uses_left: 5 });
  });

  it('an empty expiration means none', async () => {
    expect((await generate({ expiration: '' })).status).toBe(200);
    expect((await status()).expiration).toBeNull();
  });

  it('a new key replaces the previous one', async () => {
    const old = (await generate()).body.token;
    const fresh = (await generate()).body.token;
    expect(await useKey(old, 'OldKey')).toMatchObject({ status: 404, body: NOT_FOUND });
    expect((await useKey(fresh, 'FreshKey')).status).toBe(200);
  });
});

describe('POST /auth/recovery_token/use', () => {
  it('reports the first missing field with its help text', async () => {
    const none = await rest(server, 'POST', '/auth/recovery_token/use', { json: {} });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ message: { token: 'Mnemonic recovery token' } });
    const noDevice = await rest(server, 'POST', '/auth/recovery_token/use', { json: { token: WRONG_PHRASE_18 } });
    expect(noDevice.status).toBe(400);
    expect(noDevice.body).toEqual({ message: { device: 'Device to authorize' } });
    const noToken = await rest(server, 'POST', '/auth/recovery_token/use', { json: { device: 'x', token: null } });
    expect(noToken).toMatchObject({ status: 400, body: { message: { token: 'Mnemonic recovery token' } } });
  });

  it('a wrong or malformed phrase is 404 and spends no use', async () => {
    const key = (await generate({ uses: 1 })).body.token as string;
    for (const phrase of [WRONG_PHRASE_18, 'hello world', ` ${key}`, key.replace(/ /g, '  ')]) {
      const res = await useKey(phrase, 'Wrong');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
    }
    expect(await status()).toMatchObject({ valid: true, uses_left: 1 });
  });

  it('trades the phrase for a working token, counting uses down to exhaustion', async () => {
    const key = (await generate({ uses: 2 })).body.token as string;
    const first = await useKey(key, 'Recovered One');
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(['token']);
    expect(first.body.token).toMatch(DEVICE_TOKEN);
    const list = await rest(server, 'GET', '/auth/tokens', { token: first.body.token });
    expect(list.status).toBe(200);
    expect(list.body).toContainEqual(expect.objectContaining({ name: 'Recovered_One', is_caller: true }));
    expect(await status()).toMatchObject({ exists: true, valid: true, uses_left: 1 });

    const second = await useKey(key, 'RecoveredTwo');
    expect(second.status).toBe(200);
    expect(second.body.token).not.toBe(first.body.token);
    expect(await status()).toMatchObject({ exists: true, valid: false, uses_left: 0 });

    const third = await useKey(key, 'RecoveredThree');
    expect(third.status).toBe(404);
    expect(third.body).toEqual(NOT_FOUND);
    expect(await deviceNames(server, admin)).not.toContain('RecoveredThree');
  });

  it('an expired key stays but no longer works', async () => {
    const key = (await generate({ expiration: localNaive(new Date(Date.now() + 1500)) })).body.token as string;
    expect((await status()).valid).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await status()).toMatchObject({ exists: true, valid: false });
    expect(await useKey(key, 'TooLate')).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('legacy request field parsing', () => {
  it('reads form-encoded bodies', async () => {
    expect((await rest(server, 'POST', '/auth/recovery_token', { token: admin, ...form({ uses: '3' }) })).status).toBe(200);
    expect((await status()).uses_left).toBe(3);
    const key = (await generate()).body.token as string;
    const res = await rest(server, 'POST', '/auth/recovery_token/use', form({ token: key, device: 'FormRecovered' }));
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(DEVICE_TOKEN);
  });

  it('reads the query string; a JSON value wins over it', async () => {
    expect((await rest(server, 'POST', '/auth/recovery_token?uses=4', { token: admin })).status).toBe(200);
    expect((await status()).uses_left).toBe(4);
    expect((await rest(server, 'POST', '/auth/recovery_token?uses=9', { token: admin, json: { uses: 1 } })).status).toBe(200);
    expect((await status()).uses_left).toBe(1);
    const key = (await generate()).body.token as string;
    // the device name may come from the query string, the key may not (URLs end up in logs)
    const q = new URLSearchParams({ token: key, device: 'QueryRecovered' });
    expect(await rest(server, 'POST', `/auth/recovery_token/use?${q}`)).toMatchObject({
      status: 400, body: { message: { token: 'Send token in the request body, not in the query string' } },
    });
    expect((await rest(server, 'POST', '/auth/recovery_token/use?device=QueryRecovered', { json: { token: key } })).status).toBe(200);
    expect(await deviceNames(server, admin)).toContain('QueryRecovered');
  });

  it('ignores a body whose content type is neither JSON nor form', async () => {
    const res = await rest(server, 'POST', '/auth/recovery_token', { token: admin, rawBody: '{"uses": 5}', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    expect((await status()).uses_left).toBeNull();
  });

  it('treats an empty JSON body as no fields', async () => {
    const res = await rest(server, 'POST', '/auth/recovery_token', { token: admin, rawBody: '', headers: JSON_TYPE });
    expect(res.status).toBe(200);
    expect(words(res.body.token)).toHaveLength(18);
  });

  it('answers malformed JSON on a field-reading endpoint with the legacy 400', async () => {
    for (const rawBody of ['{"token":', '"just a string"', 'nul']) {
      const pub = await rest(server, 'POST', '/auth/recovery_token/use', { rawBody, headers: JSON_TYPE });
      expect(pub.status).toBe(400);
      expect(pub.body).toEqual(BAD_REQUEST);
    }
    const authed = await rest(server, 'POST', '/auth/recovery_token', { token: admin, rawBody: '{uses: 2}', headers: JSON_TYPE });
    expect(authed).toMatchObject({ status: 400, body: BAD_REQUEST });
  });

  it('checks the token before looking at a malformed body', async () => {
    const res = await rest(server, 'POST', '/auth/recovery_token', { rawBody: '{"uses":', headers: JSON_TYPE });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Missing Authorization header' });
  });

  it('endpoints that read no fields ignore the body, even malformed JSON', async () => {
    const key = await rest(server, 'POST', '/auth/new_device', { token: admin, rawBody: '{"oops":', headers: JSON_TYPE });
    expect(key.status).toBe(200);
    expect(words(key.body.token)).toHaveLength(12);
    const del = await rest(server, 'DELETE', '/auth/new_device', { token: admin, json: ['ignored'] });
    expect(del).toMatchObject({ status: 200, body: { token: null } });
  });

  it('answers a JSON array body on a field-reading endpoint with a JSON 400', async () => {
    const res = await rest(server, 'POST', '/auth/recovery_token/use', { json: [{ token: 'x', device: 'y' }] });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message: 'The request body must be a JSON object.' });
    const authed = await generate([1, 2]);
    expect(authed).toMatchObject({ status: 400, body: { message: 'The request body must be a JSON object.' } });
  });

  it('never answers with a stack trace', async () => {
    const answers = [
      await rest(server, 'POST', '/auth/recovery_token/use', { rawBody: '{"token":', headers: JSON_TYPE }),
      await rest(server, 'POST', '/auth/recovery_token/use', { json: [] }),
      await rest(server, 'POST', '/auth/recovery_token/use', { json: { token: { deep: [1] }, device: 'x' } }),
      await generate({ uses: { n: 1 } }),
      await generate({ expiration: { when: 'never' } }),
      await generate({ expiration: '9999-99-99T99:99:99.999' }),
      await generate({ uses: '1e400' }),
      await generate({ uses: 1e300 }),
    ];
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectNoStackTrace(res.body);
    }
  });
});
