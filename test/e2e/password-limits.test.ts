import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { form } from './rest-helpers.js';

// Passwords are bounded (4096 bytes) in every front door, the reset page takes small bodies and a
// few failed attempts per link, and hashing never stalls the API.

const TOO_LONG = 'Password cannot be longer than 4096 bytes.';
const LINK = /\?token=([A-Za-z0-9_-]{43})$/;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ authMaxFailures: 3 });
});
afterAll(async () => {
  await server?.close();
});

const CREATE = 'mutation($user: UserMutationInput!) { users { createUser(user: $user) { success code message } } }';
const UPDATE = 'mutation($user: UserMutationInput!) { users { updateUser(user: $user) { success code message } } }';

async function resetToken(username: string): Promise<string> {
  const res = await gql(server, 'mutation($u: String!) { users { generatePasswordResetLink(username: $u) { passwordResetLink } } }', { u: username }, server.token);
  return LINK.exec(res.body.data.users.generatePasswordResetLink.passwordResetLink)![1]!;
}

const submit = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  rest(server, 'POST', '/user/reset-password', { ...form(fields), headers: { ...form(fields).headers, accept: 'application/json', ...headers } });

/** The longest gap between 10 ms ticks while `work` runs: how long the event loop of the server stood still, as /healthz sees it. */
async function longestHealthzWait(work: Promise<unknown>): Promise<number> {
  let longest = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      longest = Math.max(longest, performance.now() - started);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await work;
  done = true;
  await probe;
  return longest;
}

describe('password length', () => {
  it('GraphQL createUser and updateUser refuse a password over 4096 bytes', async () => {
    const long = 'a'.repeat(4097);

    const created = await gql(server, CREATE, { user: { username: 'carol', password: long } }, server.token);
    const updated = await gql(server, UPDATE, { user: { username: 'bob', password: long } }, server.token);

    expect(created.body.data.users.createUser).toEqual({ success: false, code: 400, message: TOO_LONG });
    expect(updated.body.data.users.updateUser).toEqual({ success: false, code: 400, message: TOO_LONG });
  });

  it('REST POST /users refuses it with 400', async () => {
    const res = await rest(server, 'POST', '/users', { token: server.token, json: { username: 'carol', password: 'é'.repeat(2049) } });

    expect(res).toMatchObject({ status: 400, body: { error: TOO_LONG } });
  });

  it('the reset page refuses it and shows its form again', async () => {
    const token = await resetToken('bob');
    const long = 'a'.repeat(4097);

    const res = await submit({ token, password: long, confirmation: long });

    expect(res).toMatchObject({ status: 400, body: { error: TOO_LONG } });
  });

  it('a 120,000-character password is refused without stalling the API', async () => {
    const huge = 'p'.repeat(120_000);
    const attempt = rest(server, 'POST', '/users', { token: server.token, json: { username: 'mallory', password: huge } });

    const longest = await longestHealthzWait(attempt);

    expect((await attempt).status).toBe(400);
    expect(longest).toBeLessThan(500);
  });

  it('setting a maximum-length password keeps /healthz answering', async () => {
    const max = 'é'.repeat(2048);
    const update = gql(server, UPDATE, { user: { username: 'bob', password: max } }, server.token);

    const longest = await longestHealthzWait(update);

    expect((await update).body.data.users.updateUser).toMatchObject({ success: true });
    expect(longest).toBeLessThan(500);
  });
});

describe('the reset page', () => {
  it('answers 413 to a body over its small limit, in JSON or HTML as asked', async () => {
    const token = await resetToken('bob');
    const big = { token, password: 'x'.repeat(40_000), confirmation: 'x' };

    const json = await submit(big);
    const html = await rest(server, 'POST', '/user/reset-password', form(big));

    expect(json).toMatchObject({ status: 413, body: { error: 'The request is too large.' } });
    expect(html.status).toBe(413);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.body).toContain('The request is too large.');
  });

  it('a link takes a few failed attempts (3 here), then answers 429, and a good password is then refused too', async () => {
    const token = await resetToken('bob');
    for (let i = 0; i < 3; i++) {
      expect(await submit({ token, password: 'one', confirmation: 'two' })).toMatchObject({ status: 400, body: { error: 'The two passwords do not match.' } });
    }

    const blocked = await submit({ token, password: 'good one', confirmation: 'good one' });

    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body).toEqual({ error: expect.any(String) });
  });

  it('failed attempts on one link do not block another', async () => {
    const spent = await resetToken('bob');
    for (let i = 0; i < 3; i++) await submit({ token: spent, password: 'one', confirmation: 'two' });
    const fresh = await resetToken('bob');

    expect(await submit({ token: fresh, password: 'good one', confirmation: 'good one' })).toMatchObject({ status: 200 });
  });
});
