import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKanidm } from '../support/fake-kanidm.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { MESSAGES, USER_FIELDS, legacyEntry } from './users-helpers.js';

// The users and groups cases both stores must pass the same way, end to end over HTTP: the embedded store of
// the simulated host, and Kanidm (SP_KANIDM_URL pointing at a fake Kanidm seeded like the sample host).

interface Store {
  name: string;
  start(): Promise<{ server: TestServer; stop(): Promise<void>; resetLink: RegExp }>;
}

const embedded: Store = {
  name: 'the embedded store',
  async start() {
    const server = await startTestServer();
    return { server, stop: () => server.close(), resetLink: /^https:\/\/api\.example\.org\/user\/reset-password\?token=[\w-]{43}$/ };
  },
};

const kanidm: Store = {
  name: 'Kanidm',
  async start() {
    const fake = new FakeKanidm('example.org');
    await fake.start();
    fake.tokens.add('admin-token');
    fake.addGroup('sp.full_users');
    fake.addGroup('sp.admins');
    fake.addPerson('alice', ['sp.admins', 'sp.full_users']);
    fake.addPerson('bob', ['sp.full_users']);
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'sp-kanidm-token-')), 'token');
    writeFileSync(tokenFile, 'admin-token\n');
    const server = await startTestServer({ env: { SP_KANIDM_URL: fake.url, KANIDM_ADMIN_TOKEN_FILE: tokenFile } });
    const resetLink = new RegExp(`^${fake.url.replace(/[.]/g, '\\.')}/ui/reset\\?token=intent-\\d+$`);
    return {
      server,
      resetLink,
      async stop() {
        await server.close();
        await fake.close();
      },
    };
  },
};

describe.each([embedded, kanidm])('users and groups with $name', (store) => {
  let server: TestServer;
  let resetLink: RegExp;
  let stop: () => Promise<void>;
  const call = (query: string, variables?: Record<string, unknown>) => gql(server, query, variables, server.token);
  const create = async (user: Record<string, unknown>) =>
    (await call(`mutation($user: UserMutationInput!) { users { createUser(user: $user) { success code message user { ${USER_FIELDS} } } } }`, { user })).body.data
      .users.createUser;
  const update = async (user: Record<string, unknown>) =>
    (await call(`mutation($user: UserMutationInput!) { users { updateUser(user: $user) { success code message user { ${USER_FIELDS} } } } }`, { user })).body.data
      .users.updateUser;
  const getUser = async (username: string) => (await call(`query($u: String!) { users { getUser(username: $u) { ${USER_FIELDS} } } }`, { u: username })).body.data.users.getUser;

  beforeAll(async () => {
    ({ server, resetLink, stop } = await store.start());
  });
  afterAll(async () => {
    await stop?.();
  });

  it('lists alice as PRIMARY (member of sp.admins) and bob as NORMAL, root left out', async () => {
    const res = await call(`{ users { allUsers { ${USER_FIELDS} } } }`);

    expect(res.body.errors).toBeUndefined();
    const byName = Object.fromEntries(res.body.data.users.allUsers.map((u: { username: string }) => [u.username, u]));
    expect(Object.keys(byName).sort()).toEqual(['alice', 'bob']);
    expect(byName.alice).toMatchObject({ userType: 'PRIMARY', directmemberof: ['sp.admins', 'sp.full_users'], memberof: ['sp.admins', 'sp.full_users'], email: 'alice@example.org' });
    expect(byName.bob).toMatchObject({ userType: 'NORMAL', directmemberof: ['sp.full_users'], displayName: 'bob', email: 'bob@example.org', sshKeys: [] });
    expect(await getUser('nobody_here')).toBeNull();
  });

  it('groups.allGroups lists sp.admins with alice in it', async () => {
    const res = await call('{ groups { allGroups { name member spn } } }');

    const admins = res.body.data.groups.allGroups.find((g: { name: string }) => g.name === 'sp.admins');
    expect(admins.spn).toBe('sp.admins@example.org');
    expect(admins.member.map((m: string) => m.split('@')[0])).toEqual(['alice']);
  });

  it('creates with a password: 201, sp.full_users, a Legacy password e-mail entry and a legacy userdata entry', async () => {
    const result = await create({ username: 'carol', password: 'carol-pass', displayName: 'Carol C' });

    expect(result).toMatchObject({ success: true, code: 201, message: MESSAGES.passwordApplied });
    expect(result.user).toMatchObject({ username: 'carol', userType: 'NORMAL', directmemberof: ['sp.full_users'], displayName: 'Carol C', email: 'carol@example.org' });
    expect(result.user.emailPasswordMetadata).toEqual([expect.objectContaining({ displayName: 'Legacy password' })]);
    expect(legacyEntry(server, 'carol')).toMatchObject({ username: 'carol', sshKeys: [] });
  });

  it('creates without groups when sent [] and with sp.admins when asked', async () => {
    expect((await create({ username: 'mail_only', directmemberof: [] })).user).toMatchObject({ directmemberof: [], userType: 'NORMAL' });
    expect((await create({ username: 'second_admin', directmemberof: ['sp.admins'] })).user).toMatchObject({ directmemberof: ['sp.admins'], userType: 'PRIMARY' });
  });

  it.each([
    [{ username: 'bob' }, 409, 'User already exists'],
    [{ username: 'okname', directmemberof: ['sp.nope'] }, 404, MESSAGES.kanidmNotFound],
    [{ username: 'nginx' }, 409, MESSAGES.reserved],
  ])('refuses %j with %i', async (user, code, message) => {
    const result = await create(user);

    expect(result).toMatchObject({ success: false, code, message });
    expect(await getUser('okname')).toBeNull();
  });

  it('updates the display name, then replaces the groups', async () => {
    await create({ username: 'upd_a' });

    const renamed = await update({ username: 'upd_a', displayName: 'Updated A' });
    const regrouped = await update({ username: 'upd_a', directmemberof: ['sp.admins'] });
    const cleared = await update({ username: 'upd_a', directmemberof: [] });

    expect(renamed).toMatchObject({ success: true, code: 200, message: 'User updated', user: { displayName: 'Updated A', directmemberof: ['sp.full_users'] } });
    expect(regrouped.user).toMatchObject({ directmemberof: ['sp.admins'], userType: 'PRIMARY' });
    expect(cleared.user).toMatchObject({ directmemberof: [], memberof: [], userType: 'NORMAL' });
  });

  it.each([
    [{ username: 'ghost', displayName: 'G' }, 404, 'User not found'],
    [{ username: 'bob', directmemberof: ['sp.nope'] }, 404, MESSAGES.kanidmNotFound],
    [{ username: 'root', displayName: 'R' }, 400, MESSAGES.rootProtected],
  ])('refuses the update %j with %i', async (user, code, message) => {
    expect(await update(user)).toMatchObject({ success: false, code, message });
    expect(await getUser('bob')).toMatchObject({ directmemberof: ['sp.full_users'], displayName: 'bob' });
  });

  it('deletes a user: gone from the queries and the userdata; an unknown one is 404', async () => {
    await create({ username: 'del_me', password: 'secret' });
    const del = async (username: string) => (await call('mutation($u: String!) { users { deleteUser(username: $u) { success code message } } }', { u: username })).body.data.users.deleteUser;

    expect(await del('del_me')).toEqual({ success: true, code: 200, message: 'User deleted' });
    expect(await getUser('del_me')).toBeNull();
    expect(legacyEntry(server, 'del_me')).toBeUndefined();
    expect(await del('ghost')).toEqual({ success: false, code: 404, message: 'User not found' });
  });

  it('hands out a password-reset link for a user, the reference 404 for an unknown one', async () => {
    const generate = async (username: string) =>
      (await call('mutation($u: String!) { users { generatePasswordResetLink(username: $u) { success code message passwordResetLink } } }', { u: username })).body.data
        .users.generatePasswordResetLink;

    expect(await generate('bob')).toEqual({ success: true, code: 200, message: 'Link successfully created', passwordResetLink: expect.stringMatching(resetLink) });
    expect(await generate('ghost')).toMatchObject({ success: false, code: 404, message: MESSAGES.kanidmNotFound, passwordResetLink: null });
  });

  it('legacy REST lists, creates and deletes through the same store', async () => {
    const created = await rest(server, 'POST', '/users', { token: server.token, json: { username: 'restuser', password: 'rest-pass' } });
    const listed = await rest(server, 'GET', '/users?withMainUser=true', { token: server.token });
    const deleted = await rest(server, 'DELETE', '/users/restuser', { token: server.token });

    expect(created).toMatchObject({ status: 201, body: { result: 0, username: 'restuser' } });
    expect(listed.body[0]).toBe('alice');
    expect(listed.body).toEqual(expect.arrayContaining(['bob', 'restuser']));
    expect(deleted.status).toBe(200);
    expect(await getUser('restuser')).toBeNull();
  });
});
