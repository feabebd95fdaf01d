import { afterEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { USER_MESSAGES } from '../../src/core/users/user-messages.js';
import { type KanidmSetup, kanidmSetup } from './kanidm-setup.js';

// The Kanidm adapter of the user store against a fake Kanidm: each call's method, path, body and token (spec §13.2).

let setup: KanidmSetup;
afterEach(async () => {
  await setup?.kanidm.close();
});

async function start() {
  setup = await kanidmSetup();
  return setup;
}

describe('KanidmUserStore reads', () => {
  it('lists persons with the admin token, groups without "@domain" and without the built-in ones', async () => {
    const { store, kanidm } = await start();

    const users = await store.list();

    expect(users).toEqual([
      { username: 'alice', displayName: 'Alice A', email: 'alice@example.org', directmemberof: ['sp.admins', 'sp.full_users'], memberof: ['sp.admins', 'sp.full_users'] },
      { username: 'bob', displayName: 'bob', email: 'bob@example.org', directmemberof: ['sp.full_users'], memberof: ['sp.full_users'] },
    ]);
    expect(kanidm.requests).toEqual([{ method: 'GET', path: '/v1/person', body: undefined, authorization: 'Bearer good-token' }]);
  });

  it('shows a group nested in another among memberof only', async () => {
    const { store, kanidm } = await start();
    kanidm.addGroup('sp.gitea.users', ['sp.full_users']);

    expect(await store.get('bob')).toMatchObject({ directmemberof: ['sp.full_users'], memberof: ['sp.full_users', 'sp.gitea.users'] });
  });

  it('reads a 200 with a null body as an unknown person', async () => {
    const { store, kanidm } = await start();

    expect(await store.get('ghost')).toBeUndefined();
    expect(kanidm.calls()).toEqual([{ method: 'GET', path: '/v1/person/ghost', body: undefined }]);
  });

  it('lists groups as allGroups shows them, Kanidm built-in groups left out', async () => {
    const { store } = await start();

    const groups = await store.listGroups();

    expect(groups.map((g) => g.name)).toEqual(['sp.full_users', 'sp.admins']);
    expect(groups[1]).toEqual({
      name: 'sp.admins',
      groupClass: ['group', 'memberof', 'object'],
      member: ['alice@example.org'],
      memberof: [],
      directmemberof: [],
      spn: 'sp.admins@example.org',
      description: null,
    });
  });
});

describe('KanidmUserStore changes', () => {
  it('creates a person with the reference attributes, adds each group and a locked legacy userdata entry', async () => {
    const { store, kanidm, userData } = await start();

    await store.create({ username: 'carol', displayName: 'Carol C', password: 'not-sent', groups: ['sp.full_users', 'sp.admins'] });

    expect(kanidm.calls()).toEqual([
      { method: 'GET', path: '/v1/group', body: undefined },
      { method: 'POST', path: '/v1/person', body: { attrs: { name: ['carol'], displayname: ['Carol C'], mail: ['carol@example.org'], class: ['user'] } } },
      { method: 'POST', path: '/v1/group/sp.full_users/_attr/member', body: ['carol'] },
      { method: 'POST', path: '/v1/group/sp.admins/_attr/member', body: ['carol'] },
    ]);
    expect(JSON.stringify(kanidm.requests)).not.toContain('not-sent');
    const entry = userData.document.users!.find((u) => u.username === 'carol')!;
    expect(entry.sshKeys).toEqual([]);
    expect(entry.hashedPassword).toMatch(/^hashed:[0-9a-f-]{36}$/);
  });

  it('refuses a taken name with USER_ALREADY_EXISTS from Kanidm\'s conflict answer and writes no userdata', async () => {
    const { store, userData } = await start();

    const err = await store.create({ username: 'bob', displayName: 'bob', groups: [] }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CoreError);
    expect(err).toMatchObject({ code: 'USER_ALREADY_EXISTS', status: 409, message: 'User already exists' });
    expect(userData.writes).toBe(0);
  });

  it('refuses a create naming an unknown group before any person is made', async () => {
    const { store, kanidm } = await start();

    await expect(store.create({ username: 'dave', displayName: 'dave', groups: ['sp.nope'] })).rejects.toMatchObject({
      code: 'GROUP_NOT_FOUND',
      message: USER_MESSAGES.userOrGroupNotFound,
    });
    expect(kanidm.persons.has('dave')).toBe(false);
  });

  it('patches the display name with the mail address, as the reference does', async () => {
    const { store, kanidm } = await start();

    await store.setDisplayName('bob', 'Bobby');

    expect(kanidm.calls()).toEqual([{ method: 'PATCH', path: '/v1/person/bob', body: { attrs: { mail: ['bob@example.org'], displayname: ['Bobby'] } } }]);
    expect((await store.get('bob'))!.displayName).toBe('Bobby');
  });

  it('adds and removes memberships with a JSON array of usernames', async () => {
    const { store, kanidm } = await start();

    await store.addToGroups('bob', ['sp.admins']);
    await store.removeFromGroups('bob', ['sp.full_users']);

    expect(kanidm.calls()).toEqual([
      { method: 'POST', path: '/v1/group/sp.admins/_attr/member', body: ['bob'] },
      { method: 'DELETE', path: '/v1/group/sp.full_users/_attr/member', body: ['bob'] },
    ]);
    expect((await store.get('bob'))!.directmemberof).toEqual(['sp.admins']);
  });

  it('maps "nomatchingentries" of a membership change to GROUP_NOT_FOUND with the reference text', async () => {
    const { store } = await start();

    await expect(store.addToGroups('bob', ['sp.nope'])).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND', status: 404, message: USER_MESSAGES.userOrGroupNotFound });
  });

  it('deletes the person and its legacy userdata entry', async () => {
    const { store, kanidm, userData } = await start();

    await store.delete('bob');

    expect(kanidm.calls()).toEqual([{ method: 'DELETE', path: '/v1/person/bob', body: undefined }]);
    expect(userData.document.users).toEqual([]);
    expect(kanidm.persons.has('bob')).toBe(false);
  });

  it('keeps the legacy userdata entry when Kanidm refuses the delete', async () => {
    const { store, kanidm, userData } = await start();
    kanidm.force({ status: 403, body: '"accessdenied"' });

    await expect(store.delete('bob')).rejects.toMatchObject({ code: 'IDENTITY_SERVICE_FAILED' });
    expect(userData.writes).toBe(0);
    expect(kanidm.persons.has('bob')).toBe(true);
  });

  it('maps "nomatchingentries" of a person call to USER_NOT_FOUND', async () => {
    const { store } = await start();

    await expect(store.setDisplayName('ghost', 'G')).rejects.toMatchObject({ code: 'USER_NOT_FOUND', status: 404, message: USER_MESSAGES.userOrGroupNotFound });
  });

  it('creates a missing group with its description and nests member groups in it', async () => {
    const { store, kanidm } = await start();

    await store.ensureGroup('sp.gitea.users', { description: 'Forgejo users', memberGroups: ['sp.full_users'] });

    expect(kanidm.calls()).toEqual([
      { method: 'GET', path: '/v1/group/sp.gitea.users', body: undefined },
      { method: 'POST', path: '/v1/group', body: { attrs: { name: ['sp.gitea.users'], description: ['Forgejo users'] } } },
      { method: 'POST', path: '/v1/group/sp.gitea.users/_attr/member', body: ['sp.full_users'] },
    ]);
    expect((await store.get('bob'))!.memberof).toEqual(['sp.full_users', 'sp.gitea.users']);
  });
});

describe('KanidmUserStore password reset', () => {
  it('makes the link from the credential update intent: <Kanidm URL>/ui/reset?token=<token>', async () => {
    const { store, kanidm } = await start();

    const link = await store.createPasswordResetLink('bob');

    expect(link).toBe(`${kanidm.url}/ui/reset?token=intent-1`);
    expect(kanidm.calls()).toEqual([{ method: 'GET', path: '/v1/person/bob/_credential/_update_intent', body: undefined }]);
  });

  it('refuses an unknown person with the reference 404 text', async () => {
    const { store } = await start();

    await expect(store.createPasswordResetLink('ghost')).rejects.toMatchObject({ code: 'USER_NOT_FOUND', message: USER_MESSAGES.userOrGroupNotFound });
  });

  it('answers an intent without a token with a 500 that says so', async () => {
    const { store, kanidm } = await start();
    kanidm.force({ status: 200, body: '{"expiry_time":3600}' });

    await expect(store.createPasswordResetLink('bob')).rejects.toMatchObject({
      code: 'IDENTITY_SERVICE_FAILED',
      status: 500,
      message: expect.stringContaining("Kanidm didn't return a password reset link."),
    });
  });

  it('knows no reset link of this API: Kanidm serves its own page', async () => {
    const { store } = await start();

    expect(await store.checkPasswordResetLink('anything')).toBeUndefined();
    await expect(store.resetPasswordWithLink('anything', 'pw')).rejects.toMatchObject({ code: 'RESET_LINK_INVALID' });
  });
});
