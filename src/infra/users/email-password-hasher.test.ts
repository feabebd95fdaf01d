import { afterAll, describe, expect, it } from 'vitest';
import { Argon2EmailPasswordHasher } from './email-password-hasher.js';
import { WorkerPasswordHasher } from './worker-password-hasher.js';

const crypt = new WorkerPasswordHasher();
const hasher = new Argon2EmailPasswordHasher(crypt);
afterAll(() => crypt.close());

// "e" followed by a combining acute accent (NFD) and the ligature "ﬁ": their NFKC forms are "é" and "fi".
const TYPED = 'cafe\u0301 ﬁle';
const NORMALISED = 'caf\u00e9 file';

describe('Argon2EmailPasswordHasher', () => {
  it('writes an argon2id PHC string with the reference’s parameters (64 MiB, 3 passes, 4 lanes, 16-byte salt, 32-byte digest)', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');

    expect(first).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toBe(second);
    expect(await hasher.verify('correct horse', first)).toBe(true);
    expect(await hasher.verify('correct horsE', first)).toBe(false);
  });

  it('verifies PHC strings written by other implementations: the argon2 reference’s argon2id vector and passlib’s argon2i example', async () => {
    expect(await hasher.verify('password', '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc')).toBe(true);
    expect(await hasher.verify('password', '$argon2i$v=19$m=512,t=2,p=2$aI2R0hpDyLm3ltLa+1/rvQ$LqPKjd6n8yniKtAithoR7A')).toBe(true);
    expect(await hasher.verify('passwort', '$argon2i$v=19$m=512,t=2,p=2$aI2R0hpDyLm3ltLa+1/rvQ$LqPKjd6n8yniKtAithoR7A')).toBe(false);
  });

  it('hashes the NFKC form: a password typed in another Unicode form matches, in both directions', async () => {
    expect(await hasher.verify(NORMALISED, await hasher.hash(TYPED))).toBe(true);
    expect(await hasher.verify(TYPED, await hasher.hash(NORMALISED))).toBe(true);
    expect(await hasher.verify('cafe file', await hasher.hash(TYPED))).toBe(false);
  });

  it('verifies older SHA-512 crypt entries: the published vectors, with and without rounds=', async () => {
    const plain = '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1';
    const rounds = '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.';

    expect(await hasher.verify('Hello world!', plain)).toBe(true);
    expect(await hasher.verify('Hello world!', rounds)).toBe(true);
    expect(await hasher.verify('Hello world?', plain)).toBe(false);
    expect(await hasher.verify('Hello world?', rounds)).toBe(false);
  });

  it('verifies a crypt entry made from the NFKC form (the reference) or from the password as typed (older entries of ours)', async () => {
    expect(await hasher.verify(TYPED, await crypt.hash(NORMALISED))).toBe(true);
    expect(await hasher.verify(TYPED, await crypt.hash(TYPED))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['plain text', 'Hello world!'],
    ['MD5 crypt', '$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1'],
    ['a truncated argon2id string', '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ'],
    ['a crypt string without a digest', '$6$saltstring'],
  ])('is false, not an error, for a hash it cannot read: %s', async (_what, stored) => {
    expect(await hasher.verify('Hello world!', stored)).toBe(false);
  });

  it('keeps the event loop free while argon2 works (a blocking hash would stall it for the whole hash)', async () => {
    let longestStall = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestStall = Math.max(longestStall, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    await hasher.hash('a');
    const took = performance.now() - started;
    clearInterval(ticker);

    // ticks are late only by what the other threads' load takes from this one, never by the hash's length
    expect(took).toBeGreaterThan(20); // 64 MiB and 3 passes: far longer than a tick
    expect(longestStall).toBeLessThan(took / 2);
  });
});
