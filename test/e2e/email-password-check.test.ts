import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPasswordHasher } from '../../src/infra/users/worker-password-hasher.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { UTC_ISO } from './users-helpers.js';

// The mail server's PAM module over HTTP: POST /internal/check-email-password, no token, loopback only.

const PATH = '/internal/check-email-password';
const CREATE = 'mutation($user: UserMutationInput!) { users { createUser(user: $user) { success } } }';
const METADATA = 'query($u: String!) { users { getUser(username: $u) { emailPasswordMetadata { displayName lastUsed } } } }';

const check = (server: { url: string }, json: unknown) => rest(server, 'POST', PATH, { json });

let server: TestServer;

async function createUser(username: string, password: string) {
  const res = await gql(server, CREATE, { user: { username, password } }, server.token);
  expect(res.body.data.users.createUser.success).toBe(true);
}

async function addEntry(username: string, uuid: string, passwordHash: string, expiresAt: Date | null = null) {
  await server.runtime.deps.emailPasswords.add({ uuid, username, displayName: uuid, passwordHash, createdAt: new Date(), expiresAt, lastUsed: null });
}

beforeAll(async () => {
  server = await startTestServer();
  await createUser('carol', 'carol-pass');
});
afterAll(async () => {
  await server?.close();
});

describe('POST /internal/check-email-password', () => {
  it('answers 200 {"isValid": true} for a user’s password (argon2id, from createUser) without a token, and sets its last-used time', async () => {
    const before = (await gql(server, METADATA, { u: 'carol' }, server.token)).body.data.users.getUser.emailPasswordMetadata;
    expect(before).toEqual([{ displayName: 'Legacy password', lastUsed: null }]);
    const stored = await server.runtime.deps.emailPasswords.hashes('carol', new Date());
    expect(stored[0]!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);

    const startedAt = Date.now();
    expect(await check(server, { username: 'carol@example.org', password: 'carol-pass' })).toMatchObject({ status: 200, body: { isValid: true } });

    const after = (await gql(server, METADATA, { u: 'carol' }, server.token)).body.data.users.getUser.emailPasswordMetadata;
    expect(after[0].lastUsed).toMatch(UTC_ISO);
    expect(new Date(after[0].lastUsed).getTime()).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(new Date(after[0].lastUsed).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('answers 200 {"isValid": false} for a wrong password and for an unknown user', async () => {
    expect(await check(server, { username: 'carol@example.org', password: 'carol-pass ' })).toMatchObject({ status: 200, body: { isValid: false } });
    expect(await check(server, { username: 'nobody@example.org', password: 'carol-pass' })).toMatchObject({ status: 200, body: { isValid: false } });
  });

  it('never matches an expired entry; an old SHA-512 crypt entry still verifies', async () => {
    const hasher = server.runtime.deps.emailPasswordHasher;
    await addEntry('dave', 'expired', await hasher.hash('old-pass'), new Date(Date.now() - 1000));
    const crypt = new WorkerPasswordHasher();
    await addEntry('dave', 'crypt', await crypt.hash('crypt-pass'));
    await crypt.close();

    expect(await check(server, { username: 'dave@example.org', password: 'old-pass' })).toMatchObject({ status: 200, body: { isValid: false } });
    expect(await check(server, { username: 'dave@example.org', password: 'crypt-pass' })).toMatchObject({ status: 200, body: { isValid: true } });
  });

  it('matches a password typed in another Unicode form (NFKC)', async () => {
    await createUser('erin', 'cafe\u0301 ﬁle'); // decomposed é and the ligature ﬁ
    expect(await check(server, { username: 'erin@example.org', password: 'caf\u00e9 file' })).toMatchObject({ status: 200, body: { isValid: true } });
  });

  it.each([
    ['no username', { password: 'carol-pass' }],
    ['no password', { username: 'carol@example.org' }],
    ['an empty username', { username: '', password: 'carol-pass' }],
    ['an empty password', { username: 'carol@example.org', password: '' }],
    ['a username that is not a string', { username: ['carol@example.org'], password: 'carol-pass' }],
    ['a name without a domain', { username: 'carol', password: 'carol-pass' }],
    ['another domain', { username: 'carol@example.com', password: 'carol-pass' }],
    ['a JSON array', ['carol@example.org', 'carol-pass']],
  ])('answers 400 {"isValid": false} for %s', async (_what, body) => {
    expect(await check(server, body)).toMatchObject({ status: 400, body: { isValid: false } });
  });

  it('answers 400 {"isValid": false} for a body that is not JSON, or not sent as JSON', async () => {
    const broken = await rest(server, 'POST', PATH, { rawBody: '{"username": "carol@example.org",', headers: { 'content-type': 'application/json' } });
    expect(broken).toMatchObject({ status: 400, body: { isValid: false } });
    const form = await rest(server, 'POST', PATH, {
      rawBody: 'username=carol%40example.org&password=carol-pass',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form).toMatchObject({ status: 400, body: { isValid: false } });
    const empty = await rest(server, 'POST', PATH);
    expect(empty).toMatchObject({ status: 400, body: { isValid: false } });
  });

  it('reads the request exactly as the PAM module sends it (minreq’s JSON with a charset)', async () => {
    const res = await rest(server, 'POST', PATH, {
      rawBody: JSON.stringify({ username: 'carol@example.org', password: 'carol-pass' }),
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(res).toMatchObject({ status: 200, body: { isValid: true } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('ignores a forwarded address: a loopback caller claiming to be elsewhere is still answered', async () => {
    const res = await rest(server, 'POST', PATH, { json: { username: 'carol@example.org', password: 'carol-pass' }, headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(res).toMatchObject({ status: 200, body: { isValid: true } });
  });

  it('is not in the public OpenAPI document', async () => {
    const res = await rest(server, 'GET', '/api/swagger.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths).length).toBeGreaterThan(10);
    expect(JSON.stringify(res.body)).not.toMatch(/internal|check-email-password/);
  });
});

describe('failed checks per username', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ authMaxFailures: 2, authFailureWindowSeconds: 1 });
    const res = await gql(limited, CREATE, { user: { username: 'carol', password: 'carol-pass' } }, limited.token);
    expect(res.body.data.users.createUser.success).toBe(true);
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('after 2 failures answers false even for the right password; once the window has passed, true again', async () => {
    const carol = (password: string) => check(limited, { username: 'carol@example.org', password });
    expect((await carol('wrong-1')).body).toEqual({ isValid: false });
    expect((await carol('wrong-2')).body).toEqual({ isValid: false });

    expect(await carol('carol-pass')).toMatchObject({ status: 200, body: { isValid: false } });
    const metadata = (await gql(limited, METADATA, { u: 'carol' }, limited.token)).body.data.users.getUser.emailPasswordMetadata;
    expect(metadata[0].lastUsed).toBeNull(); // not checked at all

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await carol('carol-pass')).toMatchObject({ status: 200, body: { isValid: true } });
  });
});

// A non-loopback address of this machine: the server listens there only, so the test's own request
// arrives from that address, as a request from another machine would.
const outward = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe.skipIf(!outward)('from a non-loopback address', () => {
  let exposed: TestServer;
  beforeAll(async () => {
    exposed = await startTestServer({ host: outward! });
    const res = await gql(exposed, CREATE, { user: { username: 'carol', password: 'carol-pass' } }, exposed.token);
    expect(res.body.data.users.createUser.success).toBe(true);
  });
  afterAll(async () => {
    await exposed?.close();
  });

  it('refuses with 403 {"isValid": false} without checking, even with the right password and a forwarded loopback address', async () => {
    expect(exposed.url).toContain(outward!);
    const res = await rest(exposed, 'POST', PATH, { json: { username: 'carol@example.org', password: 'carol-pass' }, headers: { 'x-forwarded-for': '127.0.0.1' } });

    expect(res).toMatchObject({ status: 403, body: { isValid: false } });
    const metadata = (await gql(exposed, METADATA, { u: 'carol' }, exposed.token)).body.data.users.getUser.emailPasswordMetadata;
    expect(metadata[0].lastUsed).toBeNull();
  });
});
