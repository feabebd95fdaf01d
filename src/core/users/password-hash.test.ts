import { verify } from 'unixcrypt';
import { describe, expect, it } from 'vitest';
import { sha512Crypt } from './password-hash.js';

describe('sha512Crypt', () => {
  it('matches the published SHA-512 crypt test vector', () => {
    expect(sha512Crypt('Hello world!', 'saltstring')).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
  });

  it('uses a fresh 16-character salt each time, and the hash verifies', () => {
    const first = sha512Crypt('correct horse');
    const second = sha512Crypt('correct horse');

    expect(first).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(first).not.toBe(second);
    expect(verify('correct horse', first)).toBe(true);
    expect(verify('wrong horse', first)).toBe(false);
  });
});
