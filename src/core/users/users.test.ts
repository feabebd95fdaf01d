import { verify } from 'unixcrypt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearUserTables, type UserFixture, userFixture } from '../../../test/support/user-fixture.js';
import { type Database, openPglite } from '../../infra/db/database.js';
import { coreFailure as failure } from '../../../test/support/core-failure.js';
import { listEmailPasswords } from './email-passwords.js';
import { createUser, deleteUser, getUser, listUsernames, listUsers, updateUser } from './users.js';

const PASSWORD_MESSAGE =
  'New password applied an an email password. To use Single Sign On, please update the SelfPrivacy app. ' +
  'Your SelfPrivacy app is out of date, please update it to use new features.';
const KANIDM_NOT_FOUND =
  'User or group not found.\nKanidm uses the same error for missing users and groups.' +
  'Kanidm is the identity and authentication service that manages users and access to services.\n';

let database: Database;
let f: UserFixture;

beforeAll(async () => {
  database = await openPglite();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await clearUserTables(database);
  f = userFixture(database);
});

describe('listUsers / getUser', () => {
  it('gives users of the userdata Kanidm defaults on first sight: primary in sp.admins, e-mail <name>@<domain>', async () => {
    const users = await listUsers(f.deps);

    expect(users).toEqual([
      {
        username: 'alice',
        userType: 'PRIMARY',
        sshKeys: f.userData.document.sshKeys,
        directmemberof: ['sp.admins', 'sp.full_users'],
        memberof: ['sp.admins', 'sp.full_users'],
        displayName: 'alice',
        email: 'alice@example.org',
      },
      {
        username: 'bob',
        userType: 'NORMAL',
        sshKeys: [],
        directmemberof: ['sp.full_users'],
        memberof: ['sp.full_users'],
        displayName: 'bob',
        email: 'bob@example.org',
      },
    ]);
  });

  it('returns root with its keys and no identity, and null for an unknown user', async () => {
    expect(await getUser(f.deps, 'root')).toEqual({
      username: 'root',
      userType: 'ROOT',
      sshKeys: f.userData.document.ssh!.rootKeys,
      directmemberof: [],
      memberof: [],
      displayName: null,
      email: null,
    });
    expect(await getUser(f.deps, 'carol')).toBeNull();
  });

  it('lists usernames for legacy REST: primary first only with withMainUser', async () => {
    expect(await listUsernames(f.deps, false)).toEqual(['bob']);
    expect(await listUsernames(f.deps, true)).toEqual(['alice', 'bob']);
  });

  it('shows inherited groups through nested groups in memberof only', async () => {
    await f.store.ensureGroup('sp.gitea.users', { memberGroups: ['sp.full_users'] });

    const bob = await getUser(f.deps, 'bob');

    expect(bob).toMatchObject({ directmemberof: ['sp.full_users'], memberof: ['sp.full_users', 'sp.gitea.users'] });
  });
});

describe('createUser', () => {
  it('creates a unix account (SHA-512 crypt of the password), identity defaults and a Legacy password entry', async () => {
    const result = await createUser(f.deps, { username: 'carol', password: 'pa ss' });

    expect(result.message).toBe(PASSWORD_MESSAGE);
    expect(result.user).toEqual({
      username: 'carol',
      userType: 'NORMAL',
      sshKeys: [],
      directmemberof: ['sp.full_users'],
      memberof: ['sp.full_users'],
      displayName: 'carol',
      email: 'carol@example.org',
    });
    const entry = f.userData.document.users!.find((u) => u.username === 'carol')!;
    expect(Object.keys(entry)).toEqual(['username', 'sshKeys', 'hashedPassword']);
    expect(verify('pa ss', entry.hashedPassword!)).toBe(true);
    const mail = await listEmailPasswords(f.deps, 'carol');
    expect(mail).toEqual([
      { uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), displayName: 'Legacy password', createdAt: f.clock.now(), expiresAt: null, lastUsed: null },
    ]);
  });

  it('without a password: "User created", an unusable unix password and no e-mail password', async () => {
    const result = await createUser(f.deps, { username: 'dave', displayName: 'Dave D', groups: ['sp.admins'] });

    expect(result.message).toBe('User created');
    expect(result.user).toMatchObject({ userType: 'PRIMARY', displayName: 'Dave D', directmemberof: ['sp.admins'] });
    expect(f.userData.document.users!.at(-1)!.hashedPassword).toMatch(/^\$6\$/);
    expect(await listEmailPasswords(f.deps, 'dave')).toEqual([]);
  });

  it('with an explicit empty group list creates a user without groups', async () => {
    const result = await createUser(f.deps, { username: 'erin', groups: [] });

    expect(result.user).toMatchObject({ directmemberof: [], memberof: [] });
  });

  it('ignores Kanidm built-in groups in the request', async () => {
    const result = await createUser(f.deps, { username: 'erin', groups: ['idm_all_persons', 'sp.full_users'] });

    expect(result.user).toMatchObject({ directmemberof: ['sp.full_users'] });
  });

  it('rejects an existing name (primary or user) with 409 and changes nothing', async () => {
    const before = structuredClone(f.userData.document);

    expect(await failure(createUser(f.deps, { username: 'bob', password: 'x' }))).toEqual({
      code: 'USER_ALREADY_EXISTS',
      status: 409,
      message: 'User already exists',
    });
    expect(await failure(createUser(f.deps, { username: 'alice' }))).toMatchObject({ code: 'USER_ALREADY_EXISTS' });
    expect(f.userData.document).toEqual(before);
    expect(await listEmailPasswords(f.deps, 'bob')).toEqual([]);
  });

  it('rejects an unknown group with Kanidm\u2019s 404 text and creates nothing', async () => {
    expect(await failure(createUser(f.deps, { username: 'carol', groups: ['sp.nope'] }))).toEqual({
      code: 'GROUP_NOT_FOUND',
      status: 404,
      message: KANIDM_NOT_FOUND,
    });
    expect(await getUser(f.deps, 'carol')).toBeNull();
    expect(f.userData.document.users!.map((u) => u.username)).toEqual(['bob']);
  });

  it('validates username, then display name, then password', async () => {
    expect(await failure(createUser(f.deps, { username: 'X', displayName: 'y'.repeat(300), password: '' }))).toMatchObject({
      code: 'INVALID_USERNAME',
    });
    expect(await failure(createUser(f.deps, { username: 'xy', displayName: 'y'.repeat(300), password: '' }))).toMatchObject({
      code: 'DISPLAY_NAME_TOO_LONG',
    });
    expect(await failure(createUser(f.deps, { username: 'xy', password: '' }))).toEqual({
      code: 'INVALID_PASSWORD',
      status: 400,
      message: 'Password cannot be empty.',
    });
    expect(await failure(createUser(f.deps, { username: 'xy', password: 'a\nb' }))).toMatchObject({ code: 'INVALID_PASSWORD' });
    expect(f.userData.writes).toBe(0);
  });
});

describe('updateUser', () => {
  it('changes display name (mail kept), adds and removes direct groups, leaves the password alone', async () => {
    await f.store.ensureGroup('sp.gitea.users');
    const hash = f.userData.document.users![0]!.hashedPassword;

    const result = await updateUser(f.deps, { username: 'bob', displayName: 'Bobby', groups: ['sp.gitea.users'] });

    expect(result.message).toBe('User updated');
    expect(result.user).toMatchObject({ displayName: 'Bobby', email: 'bob@example.org', directmemberof: ['sp.gitea.users'] });
    expect(f.userData.document.users![0]!.hashedPassword).toBe(hash);
  });

  it('leaves groups alone when none were sent', async () => {
    const result = await updateUser(f.deps, { username: 'bob', displayName: 'B' });

    expect(result.user).toMatchObject({ directmemberof: ['sp.full_users'] });
  });

  it('sets the unix password (hashedMasterPassword for the primary user) and accumulates Legacy password entries', async () => {
    const first = await updateUser(f.deps, { username: 'alice', password: 'one' });
    f.clock.advance(1000);
    await updateUser(f.deps, { username: 'alice', password: 'two' });

    expect(first.message).toBe(PASSWORD_MESSAGE);
    expect(verify('two', f.userData.document.hashedMasterPassword!)).toBe(true);
    expect((await listEmailPasswords(f.deps, 'alice')).map((e) => e.displayName)).toEqual(['Legacy password', 'Legacy password']);
  });

  it('refuses root, unknown users and unknown groups before changing anything', async () => {
    expect(await failure(updateUser(f.deps, { username: 'root', password: 'x' }))).toEqual({
      code: 'CANNOT_MODIFY_ROOT',
      status: 400,
      message: 'Root user cannot be deleted or modified.',
    });
    expect(await failure(updateUser(f.deps, { username: 'carol', password: 'x' }))).toEqual({
      code: 'USER_NOT_FOUND',
      status: 404,
      message: 'User not found',
    });
    const before = structuredClone(f.userData.document);
    expect(await failure(updateUser(f.deps, { username: 'bob', password: 'new', groups: ['sp.nope'] }))).toMatchObject({
      code: 'GROUP_NOT_FOUND',
      message: KANIDM_NOT_FOUND,
    });
    expect(f.userData.document).toEqual(before);
    expect(await listEmailPasswords(f.deps, 'bob')).toEqual([]);
  });

  it('rejects a too long display name and an empty password', async () => {
    expect(await failure(updateUser(f.deps, { username: 'bob', displayName: 'x'.repeat(255) }))).toMatchObject({ code: 'DISPLAY_NAME_TOO_LONG' });
    expect(await failure(updateUser(f.deps, { username: 'bob', password: '' }))).toMatchObject({ code: 'INVALID_PASSWORD' });
  });
});

describe('deleteUser', () => {
  it('removes the unix account, identity and e-mail passwords', async () => {
    await createUser(f.deps, { username: 'carol', password: 'secret' });

    await deleteUser(f.deps, 'carol');

    expect(f.userData.document.users!.map((u) => u.username)).toEqual(['bob']);
    expect(await getUser(f.deps, 'carol')).toBeNull();
    expect(await listEmailPasswords(f.deps, 'carol')).toEqual([]);
  });

  it('refuses root (400), the primary user (400) and unknown users (404)', async () => {
    expect(await failure(deleteUser(f.deps, 'root'))).toEqual({ code: 'CANNOT_MODIFY_ROOT', status: 400, message: 'Root user cannot be deleted or modified.' });
    expect(await failure(deleteUser(f.deps, 'alice'))).toEqual({
      code: 'CANNOT_DELETE_PRIMARY_USER',
      status: 400,
      message: 'User is protected and cannot be deleted or modified',
    });
    expect(await failure(deleteUser(f.deps, 'carol'))).toEqual({ code: 'USER_NOT_FOUND', status: 404, message: 'User not found' });
    expect(f.userData.writes).toBe(0);
  });

  it('a re-created user starts afresh (no groups or passwords of the old one)', async () => {
    await createUser(f.deps, { username: 'carol', password: 'old', groups: ['sp.admins'] });
    await deleteUser(f.deps, 'carol');

    const again = await createUser(f.deps, { username: 'carol' });

    expect(again.user).toMatchObject({ directmemberof: ['sp.full_users'], userType: 'NORMAL' });
    expect(await listEmailPasswords(f.deps, 'carol')).toEqual([]);
  });
});
