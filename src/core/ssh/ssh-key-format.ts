// Public key checks. The current rule (GraphQL) parses the key; the legacy REST rule only looked
// at the first characters, and legacy callers are answered by it.

/** Accepted key types besides ssh-rsa, in the order the error message lists them. */
export const SUPPORTED_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 16384;
const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads the SSH wire-format strings of a key blob (4-byte big-endian length + bytes each). */
function readStrings(blob: Buffer, count: number): Buffer[] | undefined {
  const out: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(offset);
    offset += 4;
    if (offset + length > blob.length) return undefined;
    out.push(blob.subarray(offset, offset + length));
    offset += length;
  }
  return out;
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i]!));
}

function decodeStrictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !STRICT_BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/**
 * `<type> <base64 blob> [comment]`, on the trimmed text: the blob must be strict base64 and name the
 * same type; ssh-rsa only with a modulus of 2048 to 16384 bits.
 */
export function isValidPublicKey(key: string): boolean {
  const [type, encoded] = key.trim().split(/\s+/);
  if (!type || !encoded) return false;
  const isRsa = type === 'ssh-rsa';
  if (!isRsa && !(SUPPORTED_KEY_TYPES as readonly string[]).includes(type)) return false;
  const blob = decodeStrictBase64(encoded);
  if (!blob) return false;
  const parts = readStrings(blob, isRsa ? 3 : 1);
  if (!parts || parts[0]!.toString('latin1') !== type) return false;
  if (!isRsa) return true;
  const bits = bitLength(parts[2]!);
  return bits >= MIN_RSA_BITS && bits <= MAX_RSA_BITS;
}

/** The 1.2.x REST rule: the text starts with `ssh-ed25519` or `ssh-rsa`, nothing more. */
export function isLegacyAcceptedKey(key: string): boolean {
  return key.startsWith('ssh-ed25519') || key.startsWith('ssh-rsa');
}
