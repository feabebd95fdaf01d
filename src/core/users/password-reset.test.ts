import { createHash } from 'node:crypto';
import { verify } from 'unixcrypt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearUserTables, type UserFixture, userFixture } from '../../../test/support/user-fixture.js';
import { type Database, openPglite } from '../../infra/db/database.js';
import { passwordResetLinks } from '../../infra/db/schema.js';
import { coreFailure as failure } from '../../../test/support/core-failure.js';
import { checkPasswordResetLink, generatePasswordResetLink, resetPasswordWithLink } from './password-reset.js';

const INVALID = 'This password reset link is invalid, has expired or has already been used.';
const LINK = /^https:\/\/api\.example\.org\/user\/reset-password\?token=([A-Za-z0-9_-]{43})$/;

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

const tokenOf = (link: string) => LINK.exec(link)![1]!;

describe('generatePasswordResetLink', () => {
  it('hands out https://api.<domain>/user/reset-password?token=… and stores only the SHA-256 digest, valid 24 h', async () => {
    const link = await generatePasswordResetLink(f.deps, 'bob');

    expect(link).toMatch(LINK);
    const rows = await database.db.select().from(passwordResetLinks);
    expect(rows).toEqual([
      {
        tokenHash: createHash('sha256').update(tokenOf(link)).digest('hex'),
        username: 'bob',
        createdAt: f.clock.now(),
        expiresAt: new Date(f.clock.now().getTime() + 24 * 3600_000),
        usedAt: null,
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link));
  });

  it('uses the configured public URL', async () => {
    f = userFixture(database, { publicUrl: 'https://box.example.net:8443/' });

    expect(await generatePasswordResetLink(f.deps, 'alice')).toMatch(/^https:\/\/box\.example\.net:8443\/user\/reset-password\?token=/);
  });

  it('refuses root with 400 and an unknown user with Kanidm\u2019s 404 text', async () => {
    expect(await failure(generatePasswordResetLink(f.deps, 'root'))).toEqual({
      code: 'CANNOT_MODIFY_ROOT',
      status: 400,
      message: 'Root user cannot be deleted or modified.',
    });
    expect(await failure(generatePasswordResetLink(f.deps, 'carol'))).toMatchObject({
      code: 'USER_NOT_FOUND',
      status: 404,
      message: expect.stringMatching(/^User or group not found\.\nKanidm uses the same error/),
    });
  });
});

describe('resetPasswordWithLink', () => {
  it('sets the unix password of a user once; the link is spent afterwards', async () => {
    const token = tokenOf(await generatePasswordResetLink(f.deps, 'bob'));
    expect(await checkPasswordResetLink(f.deps, token)).toBe('bob');

    expect(await resetPasswordWithLink(f.deps, { token, password: 'n3w pass', confirmation: 'n3w pass' })).toBe('bob');

    expect(verify('n3w pass', f.userData.document.users![0]!.hashedPassword!)).toBe(true);
    expect(await failure(checkPasswordResetLink(f.deps, token))).toEqual({ code: 'RESET_LINK_INVALID', status: 404, message: INVALID });
    expect(await failure(resetPasswordWithLink(f.deps, { token, password: 'again', confirmation: 'again' }))).toMatchObject({
      code: 'RESET_LINK_INVALID',
    });
  });

  it('writes hashedMasterPassword for the primary user', async () => {
    const token = tokenOf(await generatePasswordResetLink(f.deps, 'alice'));

    await resetPasswordWithLink(f.deps, { token, password: 'admin-pass', confirmation: 'admin-pass' });

    expect(verify('admin-pass', f.userData.document.hashedMasterPassword!)).toBe(true);
  });

  it('refuses an expired link (after 24 hours)', async () => {
    const token = tokenOf(await generatePasswordResetLink(f.deps, 'bob'));
    f.clock.advance(24 * 3600_000);

    expect(await failure(resetPasswordWithLink(f.deps, { token, password: 'p', confirmation: 'p' }))).toMatchObject({
      code: 'RESET_LINK_INVALID',
    });
    expect(f.userData.writes).toBe(0);
  });

  it('refuses an unknown or missing token', async () => {
    expect(await failure(resetPasswordWithLink(f.deps, { token: 'nope', password: 'p', confirmation: 'p' }))).toMatchObject({
      code: 'RESET_LINK_INVALID',
    });
    expect(await failure(resetPasswordWithLink(f.deps, { password: 'p', confirmation: 'p' }))).toMatchObject({ code: 'RESET_LINK_INVALID' });
  });

  it('refuses differing entries and invalid passwords without spending the link', async () => {
    const token = tokenOf(await generatePasswordResetLink(f.deps, 'bob'));

    expect(await failure(resetPasswordWithLink(f.deps, { token, password: 'a', confirmation: 'b' }))).toEqual({
      code: 'INVALID_PASSWORD',
      status: 400,
      message: 'The two passwords do not match.',
    });
    expect(await failure(resetPasswordWithLink(f.deps, { token, password: '', confirmation: '' }))).toMatchObject({
      message: 'Password cannot be empty.',
    });
    expect(await failure(resetPasswordWithLink(f.deps, { token, password: 'a\nb', confirmation: 'a\nb' }))).toMatchObject({
      message: 'Password cannot contain carriage returns, line feeds, or NUL bytes.',
    });
    expect(await checkPasswordResetLink(f.deps, token)).toBe('bob');
  });

  it('lets exactly one of two concurrent uses win', async () => {
    const token = tokenOf(await generatePasswordResetLink(f.deps, 'bob'));

    const results = await Promise.allSettled([
      resetPasswordWithLink(f.deps, { token, password: 'first', confirmation: 'first' }),
      resetPasswordWithLink(f.deps, { token, password: 'second', confirmation: 'second' }),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('dies with its user', async () => {
    await f.store.create({ username: 'carol', displayName: 'carol', groups: [] });
    const token = tokenOf(await generatePasswordResetLink(f.deps, 'carol'));

    await f.store.delete('carol');

    expect(await database.db.select().from(passwordResetLinks)).toEqual([]);
    expect(await failure(checkPasswordResetLink(f.deps, token))).toMatchObject({ code: 'RESET_LINK_INVALID' });
  });
});
