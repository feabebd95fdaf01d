import type { Deps } from '../ports.js';
import { hashSecret } from '../auth/secrets.js';
import { emptySection, type ImportSection } from './import-report.js';
import type { RedisHash } from './reference-source.js';
import { fieldOf, instantOf, integerOf, keyBytesOf } from './reference-values.js';

type KeyDeps = Pick<Deps, 'authKeys' | 'clock'>;

/**
 * The reference stored the recovery key's bytes as hex and showed them as a BIP-39 phrase; ours stores the
 * SHA-256 of those bytes, so the same phrase keeps working, with its uses left and expiry. A different key
 * made here is never replaced.
 */
export async function importRecoveryKey(deps: KeyDeps, hash: RedisHash | undefined, dryRun: boolean): Promise<ImportSection> {
  const section = emptySection();
  if (!hash) return section;
  const name = 'recovery key';
  const bytes = keyBytesOf(fieldOf(hash, 'key'));
  const createdAt = instantOf(fieldOf(hash, 'created_at') ?? '');
  const expiresText = fieldOf(hash, 'expires_at');
  const expiresAt = expiresText === null ? null : instantOf(expiresText);
  const usesText = fieldOf(hash, 'uses_left');
  const usesLeft = usesText === null ? null : integerOf(usesText);
  if (!bytes || !createdAt || expiresAt === undefined || usesLeft === undefined) {
    section.skipped.push({ name, reason: 'not in the expected format' });
    return section;
  }
  const keyHash = hashSecret(bytes);
  const current = await deps.authKeys.getRecoveryKey();
  if (current?.keyHash === keyHash) section.present.push(name);
  else if (current) section.skipped.push({ name, reason: 'a different recovery key was already made here' });
  else {
    if (!dryRun) await deps.authKeys.saveRecoveryKey({ keyHash, createdAt, expiresAt, usesLeft });
    section.imported.push(usesLeft === null ? name : `${name} (${usesLeft} uses left)`);
  }
  return section;
}

/**
 * The pairing key, stored as ours is, while it has not expired (it lives ten minutes) and no device was paired
 * here since it was made: it is single-use, and one used here must not come back with a second run.
 */
export async function importNewDeviceKey(
  deps: KeyDeps & Pick<Deps, 'tokens'>,
  hash: RedisHash | undefined,
  dryRun: boolean,
): Promise<ImportSection> {
  const section = emptySection();
  if (!hash) return section;
  const name = 'new-device key';
  const bytes = keyBytesOf(fieldOf(hash, 'key'));
  const createdAt = instantOf(fieldOf(hash, 'created_at') ?? '');
  const expiresAt = instantOf(fieldOf(hash, 'expires_at') ?? '');
  if (!bytes || !createdAt || !expiresAt) {
    section.skipped.push({ name, reason: 'not in the expected format' });
    return section;
  }
  if (expiresAt.getTime() < deps.clock.now().getTime()) {
    section.skipped.push({ name, reason: 'expired' });
    return section;
  }
  const keyHash = hashSecret(bytes);
  const current = await deps.authKeys.getNewDeviceKey();
  const pairedSince = (await deps.tokens.list()).some((device) => device.createdAt.getTime() >= createdAt.getTime());
  if (current?.keyHash === keyHash) section.present.push(name);
  else if (pairedSince) section.skipped.push({ name, reason: 'a device was paired since it was made (it may have been used)' });
  else if (current && current.expiresAt.getTime() >= deps.clock.now().getTime()) {
    section.skipped.push({ name, reason: 'a different new-device key was made here' });
  } else {
    if (!dryRun) await deps.authKeys.saveNewDeviceKey({ keyHash, createdAt, expiresAt });
    section.imported.push(name);
  }
  return section;
}
