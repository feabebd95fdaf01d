import { parseIso } from '../time/iso-format.js';
import type { RedisHash } from './reference-source.js';

/** A field's value; the reference's "None", an empty string and a missing field are all null. */
export function fieldOf(hash: RedisHash, name: string): string | null {
  const value = hash[name];
  return value === undefined || value === 'None' || value === '' ? null : value;
}

/**
 * An instant the reference stored timezone-aware (recovery and pairing keys, e-mail passwords, snapshots).
 * A naive one is read as UTC, as the reference itself did (`ensure_timezone`). Undefined when unreadable.
 */
export function instantOf(text: string): Date | undefined {
  return parseIso(text, 'utc');
}

/**
 * A device token's creation date: the reference took the server's naive local time and, in some versions,
 * appended `+00:00` without converting; it shows the wall-clock digits back. So the digits are read as the
 * server's local time, whatever offset follows them, and the app sees the same date as before.
 */
export function wallClockOf(text: string): Date | undefined {
  return parseIso(text.trim().replace(/(Z|[+-]\d{2}:?\d{2})$/, ''), 'local');
}

/** A whole number, or undefined. */
export function integerOf(text: string | null): number | undefined {
  if (text === null || !/^-?\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** The bytes of a hex key whose length a BIP-39 phrase can carry (16 to 32 bytes, in steps of 4). */
export function keyBytesOf(hex: string | null): Uint8Array | undefined {
  if (hex === null || !/^([0-9a-fA-F]{2})+$/.test(hex)) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  return bytes.length >= 16 && bytes.length <= 32 && bytes.length % 4 === 0 ? new Uint8Array(bytes) : undefined;
}
