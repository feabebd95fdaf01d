import { createClient } from 'graphql-ws';
import { verify } from 'unixcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { MESSAGES, USER_FIELDS, UTC_ISO, legacyEntry, readUserdata } from './users-helpers.js';

// End-to-end over HTTP: users/groups queries and the create/update/delete mutations with their
// deprecated root twins (spec §4.3, §4.4, §5.3, §5.5, §5.9).

let server: TestServer;
const call = (query: string, variables?: Record<string, unknown>) => gql(server, query, variables, server.token);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const CREATE = `mutation($user: UserMutationInput!) { users { createUser(user: $user) { success code message user { ${USER_FIELDS} } } } }`;
const UPDATE = `mutation($user: UserMutationInput!) { users { updateUser(user: $user) { success code message user { ${USER_FIELDS} } } } }`;
const DELETE = `mutation($username: String!) { users { deleteUser(username: $username) { success code message } } }`;
const GET = `query($username: String!) { users { getUser(username: $username) { ${USER_FIELDS} } } }`;

async function create(user: Record<string, unknown>) {
  const res = await call(CREATE, { user });
  expect(res.status).toBe(200);
  return res.body.data.users.createUser;
}
async function update(user: Record<string, unknown>) {
  return (await call(UPDATE, { user })).body.data.users.updateUser;
}
async function getUser(username: string) {
  return (await call(GET, { username })).body.data.users.getUser;
}

describe('authentication', () => {
  it.each([
    ['{ users { allUsers { username } } }', 'users'],
    ['{ groups { allGroups { name } } }', 'groups'],
    ['mutation { users { deleteUser(username: "bob") { code } } }', 'users'],
    ['mutation { emailPasswordMetadataMutations { deleteEmailPassword(username: "bob", uuid: "x") { code } } }', 'emailPasswordMetadataMutations'],
    ['mutation { deleteUser(username: "bob") { code } }', 'deleteUser'],
  ])('refuses %s without a token and changes nothing', async (query, field) => {
    const res = await gql(server, query);

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([expect.objectContaining({ message: MESSAGES.unauthenticated, path: [field] })]);
    expect(legacyEntry(server, 'bob')).toBeDefined();
  });
});

describe('users and groups queries', () => {
  it('lists the sample users with Kanidm-like identities (root excluded)', async () => {
    const res = await call(`{ users { allUsers { ${USER_FIELDS} } } }`);

    expect(res.body.errors).toBeUndefined();
    const byName = Object.fromEntries(res.body.data.users.allUsers.map((u: { username: string }) => [u.username, u]));
    expect(Object.keys(byName)).not.toContain('root');
    expect(byName.alice).toEqual({
      username: 'alice',
      userType: 'PRIMARY',
      sshKeys: readUserdata(server).sshKeys,
      directmemberof: ['sp.admins', 'sp.full_users'],
      memberof: ['sp.admins', 'sp.full_users'],
      displayName: 'alice',
      email: 'alice@example.org',
      emailPasswordMetadata: [],
    });
    expect(byName.bob).toMatchObject({ userType: 'NORMAL', sshKeys: [], directmemberof: ['sp.full_users'], email: 'bob@example.org' });
  });

  it('getUser: root from ssh.rootKeys, the primary user, null for an unknown name', async () => {
    expect(await getUser('root')).toEqual({
      username: 'root',
      userType: 'ROOT',
      sshKeys: readUserdata(server).ssh!.rootKeys,
      directmemberof: [],
      memberof: [],
      displayName: null,
      email: null,
      emailPasswordMetadata: [],
    });
    expect(await getUser('alice')).toMatchObject({ userType: 'PRIMARY' });
    expect(await getUser('nobody_here')).toBeNull();
  });

  it('groups.allGroups lists sp.admins and sp.full_users with members and spn', async () => {
    await call('{ users { allUsers { username } } }');

    const res = await call('{ groups { allGroups { name groupClass member memberof directmemberof spn description } } }');

    const groups = res.body.data.groups.allGroups;
    expect(groups.find((g: { name: string }) => g.name === 'sp.admins')).toEqual({
      name: 'sp.admins',
      groupClass: ['group', 'memberof', 'object'],
      member: ['alice'],
      memberof: [],
      directmemberof: [],
      spn: 'sp.admins@example.org',
      description: null,
    });
    expect(groups.find((g: { name: string }) => g.name === 'sp.full_users').member).toEqual(expect.arrayContaining(['alice', 'bob']));
  });
});

describe('createUser', () => {
  it('creates with a password: 201, the two-sentence message, unix hash and a Legacy password entry', async () => {
    const result = await create({ username: 'carol', password: 'carol-pass', displayName: 'Carol C' });

    expect(result).toMatchObject({ success: true, code: 201, message: MESSAGES.passwordApplied });
    expect(result.user).toMatchObject({
      username: 'carol',
      userType: 'NORMAL',
      sshKeys: [],
      directmemberof: ['sp.full_users'],
      memberof: ['sp.full_users'],
      displayName: 'Carol C',
      email: 'carol@example.org',
    });
    expect(result.user.emailPasswordMetadata).toEqual([
      { uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), displayName: 'Legacy password', createdAt: expect.stringMatching(UTC_ISO), expiresAt: null, lastUsed: null },
    ]);
    const entry = legacyEntry(server, 'carol')!;
    expect(Object.keys(entry)).toEqual(['username', 'sshKeys', 'hashedPassword']);
    expect(entry.sshKeys).toEqual([]);
    expect(verify('carol-pass', entry.hashedPassword!)).toBe(true);
  });

  it('without directmemberof uses sp.full_users; an explicit [] creates a user without groups (variables and literals)', async () => {
    expect((await create({ username: 'dflt_var' })).user.directmemberof).toEqual(['sp.full_users']);
    expect((await create({ username: 'empty_var', directmemberof: [] })).user.directmemberof).toEqual([]);
    expect((await create({ username: 'null_var', directmemberof: null })).user.directmemberof).toEqual(['sp.full_users']);

    const literal = (args: string) => call(`mutation { users { createUser(user: {${args}}) { code message user { directmemberof } } } }`);
    expect((await literal('username: "dflt_lit"')).body.data.users.createUser).toEqual({
      code: 201,
      message: 'User created',
      user: { directmemberof: ['sp.full_users'] },
    });
    expect((await literal('username: "empty_lit", directmemberof: []')).body.data.users.createUser.user.directmemberof).toEqual([]);
    const nested = await call('mutation($g: [String!]) { users { createUser(user: {username: "nested_var", directmemberof: $g}) { user { directmemberof } } } }', {
      g: ['sp.admins'],
    });
    expect(nested.body.data.users.createUser.user.directmemberof).toEqual(['sp.admins']);
    const operationDefault = await call(
      'mutation($u: UserMutationInput! = {username: "op_default", directmemberof: []}) { users { createUser(user: $u) { user { directmemberof } } } }',
    );
    expect(operationDefault.body.data.users.createUser.user.directmemberof).toEqual([]);
  });

  it.each([
    [{ username: 'systemd-x' }, 409, `${MESSAGES.reserved}\nReserved prefix: systemd.`],
    [{ username: 'nginx' }, 409, MESSAGES.reserved],
    [{ username: 'Bad' }, 400, MESSAGES.notAlphanumeric],
    [{ username: 'a'.repeat(32) }, 400, MESSAGES.tooLong],
    [{ username: 'okname', displayName: 'x'.repeat(255) }, 400, MESSAGES.displayNameTooLong],
    [{ username: 'okname', password: '' }, 400, MESSAGES.passwordEmpty],
    [{ username: 'okname', password: 'a\r\nb' }, 400, MESSAGES.passwordChars],
    [{ username: 'okname', directmemberof: ['sp.nope'] }, 404, MESSAGES.kanidmNotFound],
  ])('refuses %j with %i and writes nothing', async (user, code, message) => {
    const before = readUserdata(server);

    const result = await create(user);

    expect(result).toEqual({ success: false, code, message, user: null });
    expect(readUserdata(server)).toEqual(before);
  });

  it('refuses an existing user with 409 and shows that user', async () => {
    const before = readUserdata(server);

    const result = await create({ username: 'bob', password: 'x' });

    expect(result).toMatchObject({ success: false, code: 409, message: 'User already exists', user: { username: 'bob', emailPasswordMetadata: [] } });
    expect(readUserdata(server)).toEqual(before);
  });
});

describe('updateUser', () => {
  it('changes the display name and leaves groups alone when directmemberof is not sent', async () => {
    await create({ username: 'upd_a', directmemberof: ['sp.admins', 'sp.full_users'] });

    const result = await update({ username: 'upd_a', displayName: 'Updated A' });

    expect(result).toMatchObject({ success: true, code: 200, message: 'User updated' });
    expect(result.user).toMatchObject({ displayName: 'Updated A', email: 'upd_a@example.org', directmemberof: ['sp.admins', 'sp.full_users'], userType: 'PRIMARY' });
  });

  it('replaces direct groups when sent ([] removes all)', async () => {
    await create({ username: 'upd_b' });

    const added = await update({ username: 'upd_b', directmemberof: ['sp.admins'] });
    const cleared = await update({ username: 'upd_b', directmemberof: [] });

    expect(added.user).toMatchObject({ directmemberof: ['sp.admins'], userType: 'PRIMARY' });
    expect(cleared.user).toMatchObject({ directmemberof: [], memberof: [], userType: 'NORMAL' });
  });

  it('sets the password: new unix hash (hashedMasterPassword for alice) and one more Legacy password each time', async () => {
    const first = await update({ username: 'alice', password: 'first-pass' });
    const second = await update({ username: 'alice', password: 'second-pass' });

    expect(first).toMatchObject({ success: true, code: 200, message: MESSAGES.passwordApplied });
    expect(second.user.emailPasswordMetadata).toHaveLength(2);
    expect(verify('second-pass', readUserdata(server).hashedMasterPassword!)).toBe(true);
  });

  it.each([
    [{ username: 'root', displayName: 'R' }, 400, MESSAGES.rootProtected, null],
    [{ username: 'ghost', password: 'x' }, 404, 'User not found', null],
    [{ username: 'bob', displayName: 'y'.repeat(300) }, 400, MESSAGES.displayNameTooLong, 'bob'],
    [{ username: 'bob', password: '' }, 400, MESSAGES.passwordEmpty, 'bob'],
    [{ username: 'bob', password: 'new', directmemberof: ['sp.nope'] }, 404, MESSAGES.kanidmNotFound, 'bob'],
  ])('refuses %j with %i, shows the current user and changes nothing', async (user, code, message, shown) => {
    const before = readUserdata(server);

    const result = await update(user);

    expect(result).toMatchObject({ success: false, code, message });
    if (shown) expect(result.user).toMatchObject({ username: shown, directmemberof: ['sp.full_users'], emailPasswordMetadata: [] });
    if (user.username === 'root') expect(result.user).toMatchObject({ userType: 'ROOT' });
    if (user.username === 'ghost') expect(result.user).toBeNull();
    expect(readUserdata(server)).toEqual(before);
  });
});

describe('deleteUser', () => {
  it('deletes a user: 200, gone from the userdata and from the queries', async () => {
    await create({ username: 'del_me', password: 'secret' });

    const res = await call(DELETE, { username: 'del_me' });

    expect(res.body.data.users.deleteUser).toEqual({ success: true, code: 200, message: 'User deleted' });
    expect(legacyEntry(server, 'del_me')).toBeUndefined();
    expect(await getUser('del_me')).toBeNull();
  });

  it.each([
    ['root', 400, MESSAGES.rootProtected],
    ['alice', 400, MESSAGES.userProtected],
    ['ghost', 404, 'User not found'],
  ])('refuses %s with %i', async (username, code, message) => {
    const before = readUserdata(server);

    const res = await call(DELETE, { username });

    expect(res.body.data.users.deleteUser).toEqual({ success: false, code, message });
    expect(readUserdata(server)).toEqual(before);
  });
});

describe('emailPasswordMetadataMutations.deleteEmailPassword', () => {
  it('deletes one entry (200) and answers 200 for an unknown one too', async () => {
    const created = await create({ username: 'mail_user', password: 'pw' });
    const uuid = created.user.emailPasswordMetadata[0].uuid;
    const del = (id: string) =>
      call('mutation($u: String!, $id: String!) { emailPasswordMetadataMutations { deleteEmailPassword(username: $u, uuid: $id) { success code message } } }', {
        u: 'mail_user',
        id,
      });

    expect((await del(uuid)).body.data.emailPasswordMetadataMutations.deleteEmailPassword).toEqual({
      success: true,
      code: 200,
      message: 'Password deleted successfully',
    });
    expect((await getUser('mail_user')).emailPasswordMetadata).toEqual([]);
    expect((await del('no-such-uuid')).body.data.emailPasswordMetadataMutations.deleteEmailPassword).toMatchObject({ success: true, code: 200 });
  });
});

describe('deprecated root-level twins', () => {
  it('createUser, updateUser and deleteUser behave like users.*', async () => {
    const created = await call(`mutation { createUser(user: {username: "twin_user", password: "pw"}) { success code message user { username directmemberof } } }`);
    const updated = await call(`mutation { updateUser(user: {username: "twin_user", displayName: "Twin"}) { success code message user { displayName } } }`);
    const refused = await call(`mutation { deleteUser(username: "root") { success code message } }`);
    const deleted = await call(`mutation { deleteUser(username: "twin_user") { success code message } }`);

    expect(created.body.data.createUser).toEqual({
      success: true,
      code: 201,
      message: MESSAGES.passwordApplied,
      user: { username: 'twin_user', directmemberof: ['sp.full_users'] },
    });
    expect(updated.body.data.updateUser).toEqual({ success: true, code: 200, message: 'User updated', user: { displayName: 'Twin' } });
    expect(refused.body.data.deleteUser).toEqual({ success: false, code: 400, message: MESSAGES.rootProtected });
    expect(deleted.body.data.deleteUser).toEqual({ success: true, code: 200, message: 'User deleted' });
    expect(legacyEntry(server, 'twin_user')).toBeUndefined();
  });

  it('root createUser with [] sent as a variable also creates without groups', async () => {
    const res = await call('mutation($u: UserMutationInput!) { createUser(user: $u) { user { directmemberof } } }', {
      u: { username: 'twin_empty', directmemberof: [] },
    });

    expect(res.body.data.createUser.user.directmemberof).toEqual([]);
  });
});

it('over WebSocket a mutation is refused (it belongs on HTTP POST /graphql) and creates no user', async () => {
  const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${server.token}` }, lazy: true });
  const refusal = new Promise<unknown>((resolve, reject) => {
    client.subscribe(
      { query: 'mutation($u: UserMutationInput!) { users { createUser(user: $u) { code } } }', variables: { u: { username: 'ws_user' } } },
      { next: () => reject(new Error('the mutation ran')), error: resolve, complete: () => reject(new Error('completed')) },
    );
  });
  try {
    expect(await refusal).toEqual([expect.objectContaining({ message: expect.stringContaining('HTTP POST /graphql') })]);
    const res = await call('{ users { getUser(username: "ws_user") { username } } }');
    expect(res.body.data.users.getUser).toBeNull();
  } finally {
    await client.dispose();
  }
});
