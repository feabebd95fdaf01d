import { verify } from 'unixcrypt';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPasswordHasher } from './worker-password-hasher.js';

const hasher = new WorkerPasswordHasher();
afterAll(() => hasher.close());

describe('WorkerPasswordHasher', () => {
  it('matches the published SHA-512 crypt test vector', async () => {
    expect(await hasher.hashWithSalt('Hello world!', 'saltstring')).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
  });

  it('uses a fresh 16-character salt each time, and the hash verifies', async () => {
    const [first, second] = await Promise.all([hasher.hash('correct horse'), hasher.hash('correct horse')]);

    expect(first).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(first).not.toBe(second);
    expect(verify('correct horse', first)).toBe(true);
    expect(verify('wrong horse', first)).toBe(false);
  });

  it('keeps the event loop free while it hashes a long password', async () => {
    // the hasher itself takes any length (validation caps it at 4096 bytes): make the work long enough to see
    const hashing = hasher.hash('x'.repeat(30_000));
    let longestStall = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestStall = Math.max(longestStall, now - last);
      last = now;
    }, 5);

    await hashing;
    clearInterval(ticker);

    expect(longestStall).toBeLessThan(200);
  });
});
