import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';

/** A new device token: 32 random bytes, URL-safe base64 without padding (43 characters). */
export function generateDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

export function randomKeyBytes(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

/** SHA-256 hex digest: what we store instead of a secret. */
export function hashSecret(secret: string | Uint8Array): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two hex digests without leaking where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** BIP-39 English phrase for the given entropy. */
export function toMnemonic(entropy: Uint8Array): string {
  return entropyToMnemonic(entropy, wordlist);
}

/** Entropy of a strictly valid BIP-39 English phrase (single spaces, lowercase, checksum); undefined otherwise. */
export function fromMnemonic(phrase: string): Uint8Array | undefined {
  try {
    return mnemonicToEntropy(phrase, wordlist);
  } catch {
    return undefined;
  }
}
