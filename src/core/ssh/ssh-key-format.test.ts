import { describe, expect, it } from 'vitest';
import { ecdsaKey, ed25519Key, keyWithBlob, rsaKey } from '../../../test/support/ssh-keys.js';
import { isLegacyAcceptedKey, isValidPublicKey } from './ssh-key-format.js';

describe('isValidPublicKey', () => {
  it('accepts real ed25519 and ECDSA keys, with or without comment, surrounded by whitespace', () => {
    expect(isValidPublicKey(ed25519Key())).toBe(true);
    expect(isValidPublicKey(ed25519Key(''))).toBe(true);
    expect(isValidPublicKey(`  ${ed25519Key('a b c')}\n`)).toBe(true);
    for (const curve of ['nistp256', 'nistp384', 'nistp521'] as const) expect(isValidPublicKey(ecdsaKey(curve))).toBe(true);
  });

  it('accepts the security-key types when the blob names them', () => {
    expect(isValidPublicKey(keyWithBlob('sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519@openssh.com'))).toBe(true);
    expect(isValidPublicKey(keyWithBlob('sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'))).toBe(true);
  });

  it('accepts RSA from 2048 bits and rejects smaller moduli', () => {
    expect(isValidPublicKey(rsaKey(2048))).toBe(true);
    expect(isValidPublicKey(rsaKey(3072))).toBe(true);
    expect(isValidPublicKey(rsaKey(1024))).toBe(false);
    expect(isValidPublicKey(rsaKey(2040))).toBe(false);
  });

  it('rejects an RSA modulus above 16384 bits and a truncated RSA blob', () => {
    const huge = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('ssh-rsa'), Buffer.from([0, 0, 0, 1, 3])]);
    const modulus = Buffer.alloc(2049, 0xff); // 16392 bits
    const length = Buffer.alloc(4);
    length.writeUInt32BE(modulus.length);
    expect(isValidPublicKey(`ssh-rsa ${Buffer.concat([huge, length, modulus]).toString('base64')}`)).toBe(false);
    expect(isValidPublicKey(`ssh-rsa ${huge.toString('base64')}`)).toBe(false);
  });

  it('rejects a blob that names another type than the declared one', () => {
    const blob = ed25519Key().split(' ')[1];
    expect(isValidPublicKey(`ecdsa-sha2-nistp256 ${blob}`)).toBe(false);
    expect(isValidPublicKey(keyWithBlob('ssh-ed25519', 'ssh-ed25519x'))).toBe(false);
  });

  it('rejects unknown types, a missing blob, and base64 that is not strict', () => {
    const blob = ed25519Key().split(' ')[1]!;
    expect(isValidPublicKey(`ssh-dss ${blob}`)).toBe(false);
    expect(isValidPublicKey('ssh-ed25519')).toBe(false);
    expect(isValidPublicKey('')).toBe(false);
    expect(isValidPublicKey(`ssh-ed25519 ${blob.slice(0, -1)}`)).toBe(false); // padding removed
    expect(isValidPublicKey(`ssh-ed25519 ${blob.slice(0, 10)}*${blob.slice(11)}`)).toBe(false);
    expect(isValidPublicKey('ssh-ed25519 AAAA')).toBe(false); // too short for the type string
  });
});

describe('isLegacyAcceptedKey', () => {
  it('only looks at the prefix, as 1.2.x did', () => {
    expect(isLegacyAcceptedKey('ssh-ed25519 anything')).toBe(true);
    expect(isLegacyAcceptedKey('ssh-rsaXYZ')).toBe(true);
    expect(isLegacyAcceptedKey(ecdsaKey('nistp256'))).toBe(false);
    expect(isLegacyAcceptedKey(' ssh-ed25519 leading-space')).toBe(false);
  });
});
