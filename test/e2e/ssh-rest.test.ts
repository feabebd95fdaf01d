import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecdsaKey, ed25519Key } from '../support/ssh-keys.js';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { legacyEntry, readUserdata } from './users-helpers.js';

// Legacy REST SSH key paths (rest.md §4.6) with the 1.2.x key rule and texts.

const BLANK = { message: { public_key: 'Key cannot be blank!' } };
const INVALID = { error: 'Invalid key type. Only ssh-ed25519 and ssh-rsa are supported.' };

let server: TestServer;
const call = (method: string, path: string, json?: unknown) => rest(server, method, path, { token: server.token, json });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('PUT /services/ssh/key/send', () => {
  it('adds a root key: 201 {status: 0, message}', async () => {
    const key = ed25519Key('root-rest');

    expect(await call('PUT', '/services/ssh/key/send', { public_key: key })).toMatchObject({
      status: 201,
      body: { status: 0, message: 'New SSH key successfully written' },
    });
    expect(readUserdata(server).ssh!.rootKeys).toContain(key);
  });

  it('accepts anything starting with ssh-rsa (legacy prefix rule)', async () => {
    expect((await call('PUT', '/services/ssh/key/send', { public_key: 'ssh-rsa legacy-unchecked' })).status).toBe(201);
  });

  it.each([
    [{}, 400, BLANK],
    [{ public_key: ecdsaKey('nistp256') }, 400, INVALID],
    [{ public_key: 'ssh-rsa legacy-unchecked' }, 409, { error: 'Key already exists' }],
  ])('refuses %j with %i and writes nothing', async (json, status, body) => {
    const before = readUserdata(server);

    expect(await call('PUT', '/services/ssh/key/send', json)).toMatchObject({ status, body });
    expect(readUserdata(server)).toEqual(before);
  });
});

describe('GET /services/ssh/keys/{username}', () => {
  it('lists root, primary and user keys; 404 for an unknown user', async () => {
    const data = readUserdata(server);

    expect(await call('GET', '/services/ssh/keys/root')).toMatchObject({ status: 200, body: data.ssh!.rootKeys });
    expect(await call('GET', '/services/ssh/keys/alice')).toMatchObject({ status: 200, body: data.sshKeys });
    expect(await call('GET', '/services/ssh/keys/bob')).toMatchObject({ status: 200, body: [] });
    expect(await call('GET', '/services/ssh/keys/ghost')).toMatchObject({ status: 404, body: { error: 'User not found' } });
  });
});

describe('POST /services/ssh/keys/{username}', () => {
  it('adds a key for the primary user and for a user: 201 {message}', async () => {
    const aliceKey = ed25519Key('alice-rest');
    const bobKey = ed25519Key('bob-rest');

    expect(await call('POST', '/services/ssh/keys/alice', { public_key: aliceKey })).toMatchObject({
      status: 201,
      body: { message: 'New SSH key successfully written' },
    });
    expect(await call('POST', '/services/ssh/keys/bob', { public_key: bobKey })).toMatchObject({ status: 201 });
    expect(readUserdata(server).sshKeys).toContain(aliceKey);
    expect(legacyEntry(server, 'bob')!.sshKeys).toContain(bobKey);
  });

  it.each([
    ['bob', {}, 400, BLANK],
    ['root', { public_key: ed25519Key() }, 400, { error: 'Use /ssh/key/send to add root keys' }],
    ['root', { public_key: 'not-a-key' }, 400, { error: 'Use /ssh/key/send to add root keys' }],
    ['ghost', { public_key: 'not-a-key' }, 400, INVALID],
    ['ghost', { public_key: ed25519Key() }, 404, { error: 'User not found' }],
  ])('for %s %j answers %i and writes nothing', async (username, json, status, body) => {
    const before = readUserdata(server);

    expect(await call('POST', `/services/ssh/keys/${username}`, json)).toMatchObject({ status, body });
    expect(readUserdata(server)).toEqual(before);
  });

  it('refuses duplicates with 409 for the primary user and a user', async () => {
    const key = readUserdata(server).sshKeys![0]!;
    await call('POST', '/services/ssh/keys/bob', { public_key: key });

    expect(await call('POST', '/services/ssh/keys/alice', { public_key: key })).toMatchObject({ status: 409, body: { error: 'Key already exists' } });
    expect(await call('POST', '/services/ssh/keys/bob', { public_key: key })).toMatchObject({ status: 409, body: { error: 'Key already exists' } });
  });
});

describe('DELETE /services/ssh/keys/{username}', () => {
  it('words the answer per owner: "SSH key deleted" for root and the primary user, "SSH key successfully deleted" for users', async () => {
    const key = ed25519Key('delete-me');
    await call('PUT', '/services/ssh/key/send', { public_key: key });
    await call('POST', '/services/ssh/keys/alice', { public_key: key });
    await call('POST', '/services/ssh/keys/bob', { public_key: key });

    expect(await call('DELETE', '/services/ssh/keys/root', { public_key: key })).toMatchObject({ status: 200, body: { message: 'SSH key deleted' } });
    expect(await call('DELETE', '/services/ssh/keys/alice', { public_key: key })).toMatchObject({ status: 200, body: { message: 'SSH key deleted' } });
    expect(await call('DELETE', '/services/ssh/keys/bob', { public_key: key })).toMatchObject({
      status: 200,
      body: { message: 'SSH key successfully deleted' },
    });
    expect(readUserdata(server).ssh!.rootKeys).not.toContain(key);
  });

  it.each([
    ['bob', {}, 400, BLANK],
    ['bob', { public_key: 'absent' }, 404, { error: 'Key not found' }],
    ['root', { public_key: 'absent' }, 404, { error: 'Key not found' }],
    ['alice', { public_key: 'absent' }, 404, { error: 'Key not found' }],
    ['ghost', { public_key: 'absent' }, 404, { error: 'User not found' }],
  ])('for %s %j answers %i and writes nothing', async (username, json, status, body) => {
    const before = readUserdata(server);

    expect(await call('DELETE', `/services/ssh/keys/${username}`, json)).toMatchObject({ status, body });
    expect(readUserdata(server)).toEqual(before);
  });

  it('removes ssh.rootKeys entirely when its last key goes (legacy rule)', async () => {
    for (const key of readUserdata(server).ssh!.rootKeys!) {
      expect((await call('DELETE', '/services/ssh/keys/root', { public_key: key })).status).toBe(200);
    }

    const ssh = readUserdata(server).ssh!;
    expect(ssh).not.toHaveProperty('rootKeys');
    expect(ssh).toMatchObject({ enable: true, passwordAuthentication: false });
    expect(await call('GET', '/services/ssh/keys/root')).toMatchObject({ status: 200, body: [] });
  });
});

it('every key path needs a token', async () => {
  for (const [method, path] of [
    ['PUT', '/services/ssh/key/send'],
    ['GET', '/services/ssh/keys/bob'],
    ['POST', '/services/ssh/keys/bob'],
    ['DELETE', '/services/ssh/keys/bob'],
  ]) {
    const json = method === 'GET' ? undefined : { public_key: ed25519Key() };
    expect(await rest(server, method!, path!, { json })).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
  }
});
