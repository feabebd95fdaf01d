import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecdsaKey, ed25519Key, rsaKey } from '../support/ssh-keys.js';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { MESSAGES, legacyEntry, readUserdata } from './users-helpers.js';

// End-to-end over HTTP: users.addSshKey / removeSshKey and their deprecated root twins (spec §5.3).

let server: TestServer;
const call = (query: string, variables?: Record<string, unknown>) => gql(server, query, variables, server.token);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

type Variant = 'users' | 'root';
const RESULT = '{ success code message user { username userType sshKeys } }';

async function sshMutation(variant: Variant, op: 'addSshKey' | 'removeSshKey', username: string, sshKey: string) {
  const field = `${op}(sshInput: $input) ${RESULT}`;
  const query = `mutation($input: SshMutationInput!) { ${variant === 'users' ? `users { ${field} }` : field} }`;
  const res = await call(query, { input: { username, sshKey } });
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return variant === 'users' ? res.body.data.users[op] : res.body.data[op];
}

describe.each<Variant>(['users', 'root'])('addSshKey (%s)', (variant) => {
  it('adds a key for a user (201) and returns the user with it', async () => {
    const key = ed25519Key(`bob-${variant}`);

    const result = await sshMutation(variant, 'addSshKey', 'bob', key);

    expect(result).toEqual({
      success: true,
      code: 201,
      message: 'New SSH key successfully written',
      user: { username: 'bob', userType: 'NORMAL', sshKeys: expect.arrayContaining([key]) },
    });
    expect(legacyEntry(server, 'bob')!.sshKeys).toContain(key);
  });

  it('adds root keys to ssh.rootKeys and the primary user\u2019s to top-level sshKeys, untrimmed', async () => {
    const rootKey = `${rsaKey(2048, `root-${variant}`)} `;
    const aliceKey = ecdsaKey('nistp384', `alice-${variant}`);

    const root = await sshMutation(variant, 'addSshKey', 'root', rootKey);
    const alice = await sshMutation(variant, 'addSshKey', 'alice', aliceKey);

    expect(root).toMatchObject({ code: 201, user: { username: 'root', userType: 'ROOT' } });
    expect(alice).toMatchObject({ code: 201, user: { username: 'alice', userType: 'PRIMARY' } });
    const data = readUserdata(server);
    expect(data.ssh!.rootKeys).toContain(rootKey);
    expect(data.sshKeys).toContain(aliceKey);
  });

  it.each([
    ['an invalid key', 'bob', 'ssh-rsa AAAAB3NzaC1yc2E= x', 400, MESSAGES.invalidKey],
    ['a 1024-bit RSA key', 'bob', rsaKey(1024), 400, MESSAGES.invalidKey],
    ['an unknown user', 'ghost', ed25519Key(), 404, 'User not found'],
  ])('refuses %s with user null and writes nothing', async (_what, username, key, code, message) => {
    const before = readUserdata(server);

    const result = await sshMutation(variant, 'addSshKey', username, key);

    expect(result).toEqual({ success: false, code, message, user: null });
    expect(readUserdata(server)).toEqual(before);
  });

  it('refuses a duplicate with 409', async () => {
    const existing = readUserdata(server).sshKeys![0]!;

    expect(await sshMutation(variant, 'addSshKey', 'alice', existing)).toEqual({
      success: false,
      code: 409,
      message: 'Key already exists',
      user: null,
    });
  });
});

describe.each<Variant>(['users', 'root'])('removeSshKey (%s)', (variant) => {
  it('removes a key of root, the primary user and a user (200)', async () => {
    const key = ed25519Key(`to-remove-${variant}`);
    for (const username of ['root', 'alice', 'bob']) await sshMutation(variant, 'addSshKey', username, key);

    for (const username of ['root', 'alice', 'bob']) {
      const result = await sshMutation(variant, 'removeSshKey', username, key);
      expect(result).toMatchObject({ success: true, code: 200, message: 'SSH key successfully removed', user: { username } });
      expect(result.user.sshKeys).not.toContain(key);
    }
    const data = readUserdata(server);
    expect([...data.ssh!.rootKeys!, ...data.sshKeys!, ...legacyEntry(server, 'bob')!.sshKeys!]).not.toContain(key);
  });

  it('answers 404 Key not found and 404 User not found with user null', async () => {
    const before = readUserdata(server);

    expect(await sshMutation(variant, 'removeSshKey', 'bob', 'ssh-ed25519 AAAA absent')).toEqual({
      success: false,
      code: 404,
      message: 'Key not found',
      user: null,
    });
    expect(await sshMutation(variant, 'removeSshKey', 'ghost', 'ssh-ed25519 AAAA absent')).toEqual({
      success: false,
      code: 404,
      message: 'User not found',
      user: null,
    });
    expect(readUserdata(server)).toEqual(before);
  });

  it('keeps an emptied ssh.rootKeys as [] (only legacy REST drops it)', async () => {
    for (const key of readUserdata(server).ssh!.rootKeys!) await sshMutation(variant, 'removeSshKey', 'root', key);

    expect(readUserdata(server).ssh!.rootKeys).toEqual([]);
    await sshMutation(variant, 'addSshKey', 'root', ed25519Key('restored'));
  });
});

it('without a token the SSH mutations are refused and nothing is written', async () => {
  const before = readUserdata(server);

  const res = await gql(server, `mutation { users { addSshKey(sshInput: {username: "bob", sshKey: "${ed25519Key()}"}) { code } } }`);

  expect(res.body).toMatchObject({ data: null, errors: [{ message: MESSAGES.unauthenticated }] });
  expect(readUserdata(server)).toEqual(before);
});
