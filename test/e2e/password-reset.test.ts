import { verify } from 'unixcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { form } from './rest-helpers.js';
import { MESSAGES, legacyEntry, readUserdata } from './users-helpers.js';

// generatePasswordResetLink and the page it points to (GET/POST /user/reset-password), over HTTP.

const INVALID = 'This password reset link is invalid, has expired or has already been used.';
const LINK = /^https:\/\/api\.example\.org\/user\/reset-password\?token=([A-Za-z0-9_-]{43})$/;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function generate(username: string, variant: 'users' = 'users') {
  const res = await gql(
    server,
    `mutation($u: String!) { ${variant} { generatePasswordResetLink(username: $u) { success code message passwordResetLink } } }`,
    { u: username },
    server.token,
  );
  return res.body.data.users.generatePasswordResetLink;
}

async function newToken(username: string): Promise<string> {
  const result = await generate(username);
  expect(result).toMatchObject({ success: true, code: 200, message: 'Link successfully created', passwordResetLink: expect.stringMatching(LINK) });
  return LINK.exec(result.passwordResetLink)![1]!;
}

const page = (token: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/user/reset-password?token=${encodeURIComponent(token)}`, { headers });
const submit = (fields: Record<string, string>) => rest(server, 'POST', '/user/reset-password', form(fields));

describe('generatePasswordResetLink', () => {
  it('refuses root (400) and an unknown user (404, Kanidm text) without a link', async () => {
    expect(await generate('root')).toEqual({ success: false, code: 400, message: MESSAGES.rootProtected, passwordResetLink: null });
    expect(await generate('ghost')).toEqual({ success: false, code: 404, message: MESSAGES.kanidmNotFound, passwordResetLink: null });
  });

  it('needs a device token', async () => {
    const res = await gql(server, 'mutation { users { generatePasswordResetLink(username: "bob") { code } } }');

    expect(res.body).toMatchObject({ data: null, errors: [{ message: MESSAGES.unauthenticated }] });
  });
});

describe('GET /user/reset-password', () => {
  it('serves a self-contained form for a valid link, without any device token', async () => {
    const token = await newToken('bob');

    const res = await page(token);
    const html = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('<strong>bob</strong>');
    expect(html).toContain(`name="token" value="${token}"`);
    expect(html).toMatch(/<form method="post" action="reset-password"/);
    expect(html).not.toMatch(/(src|href)=|<script/);
  });

  it('answers JSON to callers asking for it', async () => {
    const token = await newToken('bob');

    const res = await page(token, { accept: 'application/json' });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ username: 'bob' });
  });

  it('answers 404 for an unknown or missing token', async () => {
    const unknown = await page('not-a-real-token');
    const missing = await fetch(`${server.url}/user/reset-password`, { headers: { accept: 'application/json' } });

    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain(INVALID);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: INVALID });
  });
});

describe('POST /user/reset-password', () => {
  it('sets the user\u2019s unix password and spends the link', async () => {
    const token = await newToken('bob');

    const res = await submit({ token, password: 'fresh pass', confirmation: 'fresh pass' });

    expect(res.status).toBe(200);
    expect(res.body).toContain('The password has been changed.');
    expect(verify('fresh pass', legacyEntry(server, 'bob')!.hashedPassword!)).toBe(true);
    expect((await page(token)).status).toBe(404);
    const again = await submit({ token, password: 'other', confirmation: 'other' });
    expect(again.status).toBe(404);
    expect(verify('fresh pass', legacyEntry(server, 'bob')!.hashedPassword!)).toBe(true);
  });

  it('sets hashedMasterPassword for the primary user (JSON request and answer)', async () => {
    const token = await newToken('alice');

    const res = await rest(server, 'POST', '/user/reset-password', { json: { token, password: 'admin pw', confirmation: 'admin pw' } });

    expect(res).toMatchObject({ status: 200, body: { message: 'The password has been changed.', username: 'alice' } });
    expect(verify('admin pw', readUserdata(server).hashedMasterPassword!)).toBe(true);
  });

  it.each([
    [{ password: 'a', confirmation: 'b' }, 'The two passwords do not match.'],
    [{ password: '', confirmation: '' }, 'Password cannot be empty.'],
    [{ password: 'a\r\nb', confirmation: 'a\r\nb' }, 'Password cannot contain carriage returns, line feeds, or NUL bytes.'],
  ])('refuses %j with 400, shows the form again and keeps the link usable', async (fields, message) => {
    const token = await newToken('bob');
    const before = readUserdata(server);

    const res = await submit({ token, ...fields });

    expect(res.status).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain(`name="token" value="${token}"`);
    expect(readUserdata(server)).toEqual(before);
    expect((await page(token)).status).toBe(200);
  });

  it('refuses an unknown token with 404 (JSON)', async () => {
    const res = await rest(server, 'POST', '/user/reset-password', { json: { token: 'nope', password: 'x', confirmation: 'x' } });

    expect(res).toMatchObject({ status: 404, body: { error: INVALID } });
  });
});

it('the reset page is not a legacy REST route in the OpenAPI document', async () => {
  const doc = (await rest(server, 'GET', '/api/swagger.json')).body;

  expect(Object.keys(doc.paths)).not.toContain('/user/reset-password');
});
