import { verify } from 'unixcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { form } from './rest-helpers.js';
import { legacyEntry, readUserdata } from './users-helpers.js';

// Legacy REST users paths (rest.md §4.2) on the same core as GraphQL.

const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';

let server: TestServer;
const call = (method: string, path: string, json?: unknown) => rest(server, method, path, { token: server.token, json });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('GET /users', () => {
  it('lists users[] without the primary user; withMainUser puts it first (any non-empty value)', async () => {
    expect(await call('GET', '/users')).toMatchObject({ status: 200, body: ['bob'] });
    expect(await call('GET', '/users?withMainUser=true')).toMatchObject({ status: 200, body: ['alice', 'bob'] });
    expect(await call('GET', '/users?withMainUser=false')).toMatchObject({ status: 200, body: ['alice', 'bob'] });
    expect(await call('GET', '/users?withMainUser=')).toMatchObject({ status: 200, body: ['bob'] });
  });

  it('needs a token', async () => {
    expect(await rest(server, 'GET', '/users')).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
  });
});

describe('POST /users', () => {
  it('creates a user: 201 {result, username}, a users[] entry with the password hash, visible in GraphQL with its groups', async () => {
    const res = await call('POST', '/users', { username: 'restuser', password: 'rest-pass' });

    expect(res).toMatchObject({ status: 201, body: { result: 0, username: 'restuser' } });
    const entry = legacyEntry(server, 'restuser')!;
    expect(entry.sshKeys).toEqual([]);
    expect(verify('rest-pass', entry.hashedPassword!)).toBe(true);
    const user = await gql(server, '{ users { getUser(username: "restuser") { directmemberof email emailPasswordMetadata { displayName } } } }', {}, server.token);
    expect(user.body.data.users.getUser).toEqual({
      directmemberof: ['sp.full_users'],
      email: 'restuser@example.org',
      emailPasswordMetadata: [{ displayName: 'Legacy password' }],
    });
    expect((await call('GET', '/users')).body).toEqual(['bob', 'restuser']);
  });

  it('accepts form fields and a username in the query string (flask-restful rules), but never a password there', async () => {
    const fromForm = await rest(server, 'POST', '/users', { token: server.token, ...form({ username: 'formuser', password: 'p1' }) });
    const passwordInQuery = await call('POST', '/users?username=queryuser&password=p2');
    const usernameInQuery = await rest(server, 'POST', '/users?username=queryuser', { token: server.token, ...form({ password: 'p2' }) });

    expect(fromForm).toMatchObject({ status: 201, body: { result: 0, username: 'formuser' } });
    expect(passwordInQuery).toMatchObject({ status: 400, body: { message: { password: 'Send password in the request body, not in the query string' } } });
    expect(usernameInQuery).toMatchObject({ status: 201, body: { result: 0, username: 'queryuser' } });
  });

  it('reports every missing field at once', async () => {
    expect(await call('POST', '/users', {})).toMatchObject({ status: 400, body: { message: { username: MISSING, password: MISSING } } });
    expect(await call('POST', '/users', { username: 'x' })).toMatchObject({ status: 400, body: { message: { password: MISSING } } });
  });

  it.each([
    [{ username: 'root', password: 'x' }, 409, { message: 'Username is forbidden' }],
    [{ username: 'systemdfoo', password: 'x' }, 409, { message: 'Username is forbidden' }],
    [{ username: 'a', password: 'x' }, 400, { error: 'username must be alphanumeric' }],
    [{ username: 'Abc', password: 'x' }, 400, { error: 'username must be alphanumeric' }],
    [{ username: 'a'.repeat(32), password: 'x' }, 400, { error: 'username must be less than 32 characters' }],
    [{ username: 'bob', password: 'x' }, 409, { error: 'User already exists' }],
    [{ username: 'alice', password: 'x' }, 409, { error: 'User already exists' }],
    [{ username: 'emptypw', password: '' }, 400, { error: 'Password cannot be empty.' }],
  ])('refuses %j with %i and writes nothing', async (json, status, body) => {
    const before = readUserdata(server);

    expect(await call('POST', '/users', json)).toMatchObject({ status, body });
    expect(readUserdata(server)).toEqual(before);
  });
});

describe('DELETE /users/{username}', () => {
  it('deletes a user: 200 {result, username}', async () => {
    await call('POST', '/users', { username: 'goner', password: 'x' });

    expect(await call('DELETE', '/users/goner')).toMatchObject({ status: 200, body: { result: 0, username: 'goner' } });
    expect(legacyEntry(server, 'goner')).toBeUndefined();
  });

  it.each([
    ['alice', 400, { error: 'Cannot delete root user' }],
    ['root', 404, { error: 'User does not exist' }],
    ['ghost', 404, { error: 'User does not exist' }],
  ])('refuses %s with %i', async (username, status, body) => {
    const before = readUserdata(server);

    expect(await call('DELETE', `/users/${username}`)).toMatchObject({ status, body });
    expect(readUserdata(server)).toEqual(before);
  });

  it('has no trailing-slash variant', async () => {
    expect((await call('DELETE', '/users/')).status).toBe(404);
  });
});

it('the OpenAPI document lists the users paths', async () => {
  const doc = (await rest(server, 'GET', '/api/swagger.json')).body;

  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/users', '/users/{username}']));
  expect(Object.keys(doc.paths['/users'])).toEqual(expect.arrayContaining(['get', 'post']));
});
