import { beforeEach, describe, expect, it } from 'vitest';
import { FixedClock, silentLogger } from '../../../test/fakes/fake-deps.js';
import { InMemoryEmailPasswordRepository } from '../../../test/fakes/idle-user-store.js';
import { InMemoryDocumentStore } from '../../../test/fakes/in-memory-document-store.js';
import { SlidingWindowAttemptLimiter } from '../../infra/runtime/sliding-window-limiter.js';
import type { EmailPasswordHasher } from '../ports.js';
import type { UserData } from '../userdata/userdata-types.js';
import { checkEmailPassword } from './email-password-check.js';

// A hasher that records what it was asked, so a refused check can be seen to have hashed nothing.
class PlainHasher implements EmailPasswordHasher {
  verified: string[] = [];
  async hash(password: string) {
    return `plain:${password}`;
  }
  async verify(password: string, passwordHash: string) {
    this.verified.push(passwordHash);
    return passwordHash === `plain:${password}`;
  }
}

const WINDOW_MS = 60_000;
let clock: FixedClock;
let emailPasswords: InMemoryEmailPasswordRepository;
let hasher: PlainHasher;
let deps: Parameters<typeof checkEmailPassword>[0];

function entry(uuid: string, password: string, expiresAt: Date | null = null) {
  return { uuid, username: 'alice', displayName: uuid, passwordHash: `plain:${password}`, createdAt: clock.now(), expiresAt, lastUsed: null };
}

beforeEach(() => {
  clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
  emailPasswords = new InMemoryEmailPasswordRepository();
  hasher = new PlainHasher();
  deps = {
    userData: new InMemoryDocumentStore<UserData>({ domain: 'example.org' } as UserData),
    emailPasswords,
    emailPasswordHasher: hasher,
    emailPasswordAttempts: new SlidingWindowAttemptLimiter(3, WINDOW_MS, clock, 'too many'),
    clock,
    logger: silentLogger,
  };
});

describe('checkEmailPassword', () => {
  it('is true for any of the user’s entries and stamps the matching one as used now', async () => {
    await emailPasswords.add(entry('phone', 'phone-pass'));
    await emailPasswords.add(entry('laptop', 'laptop-pass'));
    clock.advance(5000);

    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'laptop-pass' })).toBe(true);

    const rows = Object.fromEntries(emailPasswords.rows.map((r) => [r.uuid, r.lastUsed]));
    expect(rows).toEqual({ phone: null, laptop: new Date('2026-05-01T12:00:05Z') });
  });

  it('is false for a wrong password, another user’s password and an unknown user, and stamps nothing', async () => {
    await emailPasswords.add(entry('phone', 'phone-pass'));
    await emailPasswords.add({ ...entry('bobs', 'bob-pass'), username: 'bob' });

    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'nope' })).toBe(false);
    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'bob-pass' })).toBe(false);
    expect(await checkEmailPassword(deps, { username: 'nobody@example.org', password: 'phone-pass' })).toBe(false);
    expect(emailPasswords.rows.map((r) => r.lastUsed)).toEqual([null, null]);
  });

  it('never matches an expired entry; one expiring later still does', async () => {
    await emailPasswords.add(entry('old', 'old-pass', new Date('2026-05-01T11:59:59Z')));
    await emailPasswords.add(entry('new', 'new-pass', new Date('2026-05-02T00:00:00Z')));

    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'old-pass' })).toBe(false);
    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'new-pass' })).toBe(true);
    expect(hasher.verified).not.toContain('plain:old-pass');
  });

  it.each([
    ['a missing username', { password: 'x' }],
    ['a missing password', { username: 'alice@example.org' }],
    ['an empty username', { username: '', password: 'x' }],
    ['an empty password', { username: 'alice@example.org', password: '' }],
    ['a name without a domain', { username: 'alice', password: 'x' }],
    ['another domain', { username: 'alice@example.com', password: 'x' }],
    ['a subdomain of ours', { username: 'alice@mail.example.org', password: 'x' }],
  ])('refuses %s with INVALID_INPUT before any hashing', async (_what, login) => {
    await expect(checkEmailPassword(deps, login)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(hasher.verified).toEqual([]);
  });

  it('splits at the last @ (the reference’s rsplit)', async () => {
    await emailPasswords.add({ ...entry('odd', 'pass'), username: 'a@b' });
    expect(await checkEmailPassword(deps, { username: 'a@b@example.org', password: 'pass' })).toBe(true);
  });

  it('after 3 failures answers false even for the right password, without checking; once the window has passed it is true again', async () => {
    await emailPasswords.add(entry('phone', 'right'));
    for (let i = 0; i < 3; i++) expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: `wrong-${i}` })).toBe(false);
    const checked = hasher.verified.length;

    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'right' })).toBe(false);
    expect(hasher.verified).toHaveLength(checked);
    expect(emailPasswords.rows[0]!.lastUsed).toBeNull();

    clock.advance(WINDOW_MS - 1);
    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'right' })).toBe(false);
    clock.advance(1);
    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'right' })).toBe(true);
  });

  it('counts failures per username: another user is not limited, and successes use up nothing', async () => {
    await emailPasswords.add(entry('phone', 'right'));
    await emailPasswords.add({ ...entry('bobs', 'bob-pass'), username: 'bob' });
    for (let i = 0; i < 5; i++) expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'right' })).toBe(true);
    for (let i = 0; i < 3; i++) await checkEmailPassword(deps, { username: 'bob@example.org', password: 'wrong' });

    expect(await checkEmailPassword(deps, { username: 'alice@example.org', password: 'right' })).toBe(true);
    expect(await checkEmailPassword(deps, { username: 'bob@example.org', password: 'bob-pass' })).toBe(false);
  });
});
