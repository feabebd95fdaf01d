import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors.js';
import { createUser, listUsers } from '../../src/core/users/users.js';
import type { Database } from '../../src/infra/db/database.js';
import { DrizzleEmailPasswordRepository } from '../../src/infra/db/drizzle-email-password.repository.js';
import { groupUserMembers, identityUsers } from '../../src/infra/db/schema.js';
import { type UserFixture, clearUserTables, userFixture } from '../support/user-fixture.js';
import { BACKENDS } from './backends.js';

describe.each(BACKENDS)('user store persistence on $name', (backend) => {
  let database: Database & { dispose(): Promise<void> };
  let f: UserFixture;

  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database.dispose();
  });
  beforeEach(async () => {
    await clearUserTables(database);
    f = userFixture(database);
  });

  it('provisions identity rows for userdata users once, even when many requests see them first together', async () => {
    const lists = await Promise.all(Array.from({ length: 10 }, () => f.store.list()));

    for (const list of lists) expect(list.map((u) => u.username)).toEqual(['alice', 'bob']);
    expect(await database.db.select().from(identityUsers)).toHaveLength(2);
    const memberships = await database.db.select().from(groupUserMembers);
    expect(memberships.map((m) => `${m.groupName}:${m.username}`).sort()).toEqual(['sp.admins:alice', 'sp.full_users:alice', 'sp.full_users:bob']);
  });

  it('lists groups as Kanidm does, nested members and inherited parents included', async () => {
    await f.store.ensureGroup('sp.gitea.users', { description: 'Gitea users', memberGroups: ['sp.full_users'] });
    await f.store.ensureGroup('sp.all', { memberGroups: ['sp.gitea.users'] });
    await f.store.list();

    const groups = await f.store.listGroups();

    expect(groups).toEqual([
      { name: 'sp.admins', groupClass: ['group', 'memberof', 'object'], member: ['alice'], memberof: [], directmemberof: [], spn: 'sp.admins@example.org', description: null },
      { name: 'sp.all', groupClass: ['group', 'memberof', 'object'], member: ['sp.gitea.users'], memberof: [], directmemberof: [], spn: 'sp.all@example.org', description: null },
      {
        name: 'sp.full_users',
        groupClass: ['group', 'memberof', 'object'],
        member: ['alice', 'bob'],
        memberof: ['sp.all', 'sp.gitea.users'],
        directmemberof: ['sp.gitea.users'],
        spn: 'sp.full_users@example.org',
        description: null,
      },
      {
        name: 'sp.gitea.users',
        groupClass: ['group', 'memberof', 'object'],
        member: ['sp.full_users'],
        memberof: ['sp.all'],
        directmemberof: ['sp.all'],
        spn: 'sp.gitea.users@example.org',
        description: 'Gitea users',
      },
    ]);
    expect((await f.store.get('bob'))!.memberof).toEqual(['sp.all', 'sp.full_users', 'sp.gitea.users']);
  });

  it('works on a userdata without users: nobody listed, the default groups exist', async () => {
    f = userFixture(database, { userData: { domain: 'example.net' } });

    expect(await f.store.list()).toEqual([]);
    expect(await f.store.get('alice')).toBeUndefined();
    expect((await f.store.listGroups()).map((g) => [g.name, g.spn, g.member])).toEqual([
      ['sp.admins', 'sp.admins@example.net', []],
      ['sp.full_users', 'sp.full_users@example.net', []],
    ]);
  });

  it('adds memberships all-or-nothing: one unknown group adds none', async () => {
    await f.store.ensureGroup('sp.extra');

    await expect(f.store.addToGroups('bob', ['sp.extra', 'sp.unknown'])).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });

    expect((await f.store.get('bob'))!.directmemberof).toEqual(['sp.full_users']);
    await f.store.addToGroups('bob', ['sp.extra', 'sp.extra']);
    expect((await f.store.get('bob'))!.directmemberof).toEqual(['sp.extra', 'sp.full_users']);
  });

  it('creates users concurrently without losing any, in the userdata and the database', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `user_${i}`);

    await Promise.all(names.map((username) => createUser(f.deps, { username, password: `pw-${username}` })));

    expect(f.userData.document.users!.map((u) => u.username).sort()).toEqual(['bob', ...names].sort());
    expect((await listUsers(f.deps)).map((u) => u.username).sort()).toEqual(['alice', 'bob', ...names].sort());
    for (const username of names) expect(await f.deps.emailPasswords.list(username, f.clock.now())).toHaveLength(1);
  });

  it('spends a reset link at most once under concurrency', async () => {
    const link = await f.store.createPasswordResetLink('bob');
    const token = new URL(link).searchParams.get('token')!;

    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => f.store.resetPasswordWithLink(token, `pw${i}`)));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of rejected) expect((r.reason as CoreError).code).toBe('RESET_LINK_INVALID');
  });

  it('keeps e-mail password metadata: oldest first, expired ones hidden, delete one or all', async () => {
    const repo = new DrizzleEmailPasswordRepository(database.db);
    const now = new Date('2026-05-01T12:00:00Z');
    const entry = (uuid: string, minutes: number, expiresAt: Date | null = null) => ({
      uuid,
      username: 'bob',
      displayName: `p-${uuid}`,
      passwordHash: '$6$salt$hash',
      createdAt: new Date(now.getTime() + minutes * 60_000),
      expiresAt,
      lastUsed: null,
    });
    await repo.add(entry('b', 2));
    await repo.add(entry('a', 1, new Date(now.getTime() + 3600_000)));
    await repo.add(entry('gone', 0, new Date(now.getTime() - 1)));
    await repo.add({ ...entry('other', 0), username: 'alice' });

    expect((await repo.list('bob', now)).map((e) => e.uuid)).toEqual(['a', 'b']);
    expect((await repo.list('bob', now))[0]).toEqual({
      uuid: 'a',
      displayName: 'p-a',
      createdAt: new Date('2026-05-01T12:01:00Z'),
      expiresAt: new Date('2026-05-01T13:00:00Z'),
      lastUsed: null,
    });
    await repo.delete('bob', 'a');
    await repo.delete('bob', 'not-a-uuid at all');
    expect((await repo.list('bob', now)).map((e) => e.uuid)).toEqual(['b']);
    await repo.deleteAll('bob');
    expect(await repo.list('bob', now)).toEqual([]);
    expect(await repo.list('alice', now)).toHaveLength(1);
  });

  it('hands the mail server’s check the hashes of live entries only, and stamps the one that matched', async () => {
    const repo = new DrizzleEmailPasswordRepository(database.db);
    const now = new Date('2026-05-01T12:00:00Z');
    const entry = (uuid: string, passwordHash: string, expiresAt: Date | null = null) =>
      ({ uuid, username: 'bob', displayName: uuid, passwordHash, createdAt: now, expiresAt, lastUsed: null });
    await repo.add(entry('live', '$argon2id$live'));
    await repo.add(entry('later', '$6$later', new Date(now.getTime() + 1)));
    await repo.add(entry('expired', '$6$expired', now));
    await repo.add({ ...entry('alices', '$6$alice'), username: 'alice' });

    expect(await repo.hashes('bob', now)).toEqual([
      { uuid: 'later', passwordHash: '$6$later' },
      { uuid: 'live', passwordHash: '$argon2id$live' },
    ]);
    await repo.markUsed('bob', 'live', new Date('2026-05-01T12:30:00Z'));
    await repo.markUsed('alice', 'later', new Date('2026-05-01T12:40:00Z')); // not alice's entry: nothing changes
    expect(Object.fromEntries((await repo.list('bob', now)).map((e) => [e.uuid, e.lastUsed]))).toEqual({
      later: null,
      live: new Date('2026-05-01T12:30:00Z'),
    });
  });
});
