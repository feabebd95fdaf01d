import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { UserData } from '../userdata/userdata-types.js';
import { LEGACY_SSH_MESSAGES, SSH_MESSAGES, USER_MESSAGES } from '../users/user-messages.js';
import { SUPPORTED_KEY_TYPES, isLegacyAcceptedKey, isValidPublicKey } from './ssh-key-format.js';

/** Whose key list a username names: root's, the primary user's (top-level) or a `users[]` entry's. */
export type KeyOwner = 'root' | 'primary' | 'user';

/** Which key check applies: the current one, or the 1.2.x REST prefix check for legacy callers. */
export type KeyRules = 'current' | 'legacy';

const userNotFound = () => new CoreError('USER_NOT_FOUND', USER_MESSAGES.userNotFound);

function ownerOf(data: UserData, username: string): KeyOwner | undefined {
  if (username === 'root') return 'root';
  if (username === data.username) return 'primary';
  return data.users?.some((u) => u.username === username) ? 'user' : undefined;
}

/** The live key list of `username` in `data`, created when absent; USER_NOT_FOUND for an unknown name. */
function keyListIn(data: UserData, username: string): { owner: KeyOwner; keys: string[] } {
  const owner = ownerOf(data, username);
  if (owner === 'root') {
    data.ssh ??= {};
    return { owner, keys: (data.ssh.rootKeys ??= []) };
  }
  if (owner === 'primary') return { owner, keys: (data.sshKeys ??= []) };
  const entry = data.users?.find((u) => u.username === username);
  if (!entry) throw userNotFound();
  return { owner: 'user', keys: (entry.sshKeys ??= []) };
}

// One authorized_keys line: a line break would smuggle in a second line (`command="…"` and all).
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** `cat id_ed25519.pub` output ends with one line break: it ends the line, it is not part of the key. */
function withoutFinalLineBreak(key: string): string {
  return key.replace(/\r?\n$/, '');
}

function checkKey(key: string, rules: KeyRules): void {
  const wellFormed = rules === 'legacy' ? isLegacyAcceptedKey(key) : isValidPublicKey(key);
  if (!wellFormed || CONTROL_CHARACTER.test(key)) {
    const message = rules === 'legacy' ? LEGACY_SSH_MESSAGES.invalidKey : SSH_MESSAGES.invalidKey(SUPPORTED_KEY_TYPES);
    throw new CoreError('INVALID_SSH_KEY', message);
  }
}

/** The public keys of root, the primary user or a user (`[]` when the list is absent). */
export async function listSshKeys(deps: Pick<Deps, 'userData'>, username: string): Promise<string[]> {
  const data = await deps.userData.read();
  const owner = ownerOf(data, username);
  if (owner === 'root') return data.ssh?.rootKeys ?? [];
  if (owner === 'primary') return data.sshKeys ?? [];
  if (owner === 'user') return data.users!.find((u) => u.username === username)!.sshKeys ?? [];
  throw userNotFound();
}

/**
 * Appends the key as given, less one final line break (checked trimmed; no other control character
 * anywhere, comment included) to the owner's list. INVALID_SSH_KEY, then USER_NOT_FOUND, then
 * KEY_ALREADY_EXISTS (exact text). The file keeps `ssh.rootKeys`, `sshKeys`
 * and `users` present afterwards, as the reference writes them.
 */
export async function addSshKey(deps: Pick<Deps, 'userData'>, username: string, given: string, rules: KeyRules = 'current'): Promise<KeyOwner> {
  const key = withoutFinalLineBreak(given);
  checkKey(key, rules);
  return deps.userData.update((data) => {
    const { owner, keys } = keyListIn(data, username);
    if (keys.includes(key)) throw new CoreError('KEY_ALREADY_EXISTS', SSH_MESSAGES.keyAlreadyExists);
    keys.push(key);
    data.ssh ??= {};
    data.ssh.rootKeys ??= [];
    data.sshKeys ??= [];
    data.users ??= [];
    return owner;
  });
}

/**
 * Removes the key (first exact match, less one final line break as when it was added). USER_NOT_FOUND or KEY_NOT_FOUND; nothing is written then.
 * `dropEmptyRootKeys`: the legacy REST rule that deletes an emptied `ssh.rootKeys` (an empty list
 * broke the NixOS configuration of that era).
 */
export async function removeSshKey(
  deps: Pick<Deps, 'userData'>,
  username: string,
  given: string,
  options: { dropEmptyRootKeys?: boolean } = {},
): Promise<KeyOwner> {
  const key = withoutFinalLineBreak(given);
  return deps.userData.update((data) => {
    const { owner, keys } = keyListIn(data, username);
    const index = keys.indexOf(key);
    if (index < 0) throw new CoreError('KEY_NOT_FOUND', SSH_MESSAGES.keyNotFound);
    keys.splice(index, 1);
    if (owner === 'root' && keys.length === 0 && options.dropEmptyRootKeys) delete data.ssh!.rootKeys;
    return owner;
  });
}
