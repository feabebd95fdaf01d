import { generateKeyPairSync } from 'node:crypto';

// Real OpenSSH public keys generated on the fly, for the key-format rules.

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function mpint(unsigned: Buffer): Buffer {
  return sshString(unsigned[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), unsigned]) : unsigned);
}

const b64u = (text: string) => Buffer.from(text, 'base64url');

export function ed25519Key(comment = 'user@host'): string {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(b64u(jwk.x!))]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`.trim();
}

export function rsaKey(bits: number, comment = 'user@host'): string {
  const jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString('ssh-rsa'), mpint(b64u(jwk.e!)), mpint(b64u(jwk.n!))]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`.trim();
}

export function ecdsaKey(curve: 'nistp256' | 'nistp384' | 'nistp521', comment = 'user@host'): string {
  const named = { nistp256: 'P-256', nistp384: 'P-384', nistp521: 'P-521' }[curve];
  const jwk = generateKeyPairSync('ec', { namedCurve: named }).publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), b64u(jwk.x!), b64u(jwk.y!)]);
  const type = `ecdsa-sha2-${curve}`;
  const blob = Buffer.concat([sshString(type), sshString(curve), sshString(point)]);
  return `${type} ${blob.toString('base64')} ${comment}`.trim();
}

/** A key blob of any declared type with arbitrary content (security-key types, mismatches). */
export function keyWithBlob(type: string, blobType: string, rest: Buffer = Buffer.alloc(32, 7)): string {
  return `${type} ${Buffer.concat([sshString(blobType), sshString(rest)]).toString('base64')}`;
}
