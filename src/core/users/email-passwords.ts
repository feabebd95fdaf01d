import { randomUUID } from 'node:crypto';
import type { Deps } from '../ports.js';
import type { EmailPasswordMetadata } from './user-types.js';

/** The entry a password given to createUser/updateUser becomes. */
export const LEGACY_PASSWORD_NAME = 'Legacy password';
// updateUser first drops the entry with this id (none of the random ids ever is): the reference's rule.
const LEGACY_PASSWORD_UUID = '00000000-0000-0000-0000-000000000000';

/** The user's e-mail passwords that have not expired (metadata only). */
export function listEmailPasswords(deps: Pick<Deps, 'emailPasswords' | 'clock'>, username: string): Promise<EmailPasswordMetadata[]> {
  return deps.emailPasswords.list(username, deps.clock.now());
}

/** Stores `password` (argon2id, as the reference) as a new "Legacy password" entry with a random id. */
export async function addLegacyEmailPassword(
  deps: Pick<Deps, 'emailPasswords' | 'clock' | 'emailPasswordHasher'>,
  username: string,
  password: string,
): Promise<void> {
  await deps.emailPasswords.add({
    uuid: randomUUID(),
    username,
    displayName: LEGACY_PASSWORD_NAME,
    passwordHash: await deps.emailPasswordHasher.hash(password),
    createdAt: deps.clock.now(),
    expiresAt: null,
    lastUsed: null,
  });
}

/** updateUser's rule: drop the fixed-id entry, then add a new one (so repeated updates accumulate entries). */
export async function replaceLegacyEmailPassword(
  deps: Pick<Deps, 'emailPasswords' | 'clock' | 'emailPasswordHasher'>,
  username: string,
  password: string,
): Promise<void> {
  await deps.emailPasswords.delete(username, LEGACY_PASSWORD_UUID);
  await addLegacyEmailPassword(deps, username, password);
}

/** Deletes one entry; succeeds whether or not it existed (as the reference does). */
export async function deleteEmailPassword(deps: Pick<Deps, 'emailPasswords'>, username: string, uuid: string): Promise<void> {
  await deps.emailPasswords.delete(username, uuid);
}
