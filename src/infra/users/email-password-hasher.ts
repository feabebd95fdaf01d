import { timingSafeEqual } from 'node:crypto';
import { type Options, hash, verify } from '@node-rs/argon2';
import type { EmailPasswordHasher } from '../../core/ports.js';

// The reference hashes with passlib's argon2, which takes argon2-cffi's defaults (RFC 9106's
// low-memory profile): argon2id, 64 MiB, 3 passes, 4 lanes, a 16-byte salt and a 32-byte digest.
// `algorithm: 2` is Algorithm.Argon2id (a const enum the isolated-module build cannot read).
export const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 65536, timeCost: 3, parallelism: 4, outputLen: 32 };

/** SHA-512 crypt with a given salt setting (`rounds=N$salt` or `salt`), off the event loop. */
export interface CryptWithSalt {
  hashWithSalt(password: string, salt: string): Promise<string>;
}

/**
 * New e-mail passwords become argon2id PHC strings over the NFKC form of the password, as the
 * reference writes them; argon2 runs on libuv's thread pool, so a check never blocks other requests.
 * Older entries in SHA-512 crypt (`$6$`) still verify, on the crypt worker threads.
 */
export class Argon2EmailPasswordHasher implements EmailPasswordHasher {
  constructor(private readonly crypt: CryptWithSalt) {}

  hash(password: string): Promise<string> {
    return hash(password.normalize('NFKC'), ARGON2_OPTIONS);
  }

  async verify(password: string, passwordHash: string): Promise<boolean> {
    const normalised = password.normalize('NFKC');
    if (passwordHash.startsWith('$argon2')) return verify(passwordHash, normalised).catch(() => false);
    if (!passwordHash.startsWith('$6$')) return false;
    // The reference compares the NFKC form; our older crypt entries were made from the password as typed.
    if (await this.cryptMatches(normalised, passwordHash)) return true;
    return normalised !== password && (await this.cryptMatches(password, passwordHash));
  }

  private async cryptMatches(password: string, passwordHash: string): Promise<boolean> {
    const salt = passwordHash.slice('$6$'.length, passwordHash.lastIndexOf('$'));
    const computed = Buffer.from(await this.crypt.hashWithSalt(password, salt));
    const stored = Buffer.from(passwordHash);
    return computed.length === stored.length && timingSafeEqual(computed, stored);
  }
}
