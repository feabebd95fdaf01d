import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { UserData } from '../userdata/userdata-types.js';
import { addLegacyEmailPassword, replaceLegacyEmailPassword } from './email-passwords.js';
import { ADMINS_GROUP, FULL_USERS_GROUP, withoutDefaultGroups } from './groups.js';
import { USER_MESSAGES } from './user-messages.js';
import type { UserAccount, UserView } from './user-types.js';
import { validateDisplayName, validatePassword, validateUsername } from './user-validation.js';

type UserDeps = Pick<Deps, 'users' | 'userData' | 'emailPasswords' | 'clock' | 'emailPasswordHasher'>;

export interface UserChange {
  username: string;
  /** null or undefined: not given. */
  password?: string | null;
  displayName?: string | null;
  /** Direct groups; undefined when the client did not send any (create: default group; update: unchanged). */
  groups?: readonly string[];
}

export interface UserChangeResult {
  user: UserView | null;
  message: string;
}

const rootProtected = () => new CoreError('CANNOT_MODIFY_ROOT', USER_MESSAGES.rootProtected);

function rootUser(data: UserData): UserView {
  const sshKeys = data.ssh?.rootKeys ?? [];
  return { username: 'root', userType: 'ROOT', sshKeys, directmemberof: [], memberof: [], displayName: null, email: null };
}

/** Adds the host-side facts: PRIMARY is membership of sp.admins (as with Kanidm); keys come from the userdata. */
function toView(account: UserAccount, data: UserData): UserView {
  const sshKeys = data.username === account.username ? data.sshKeys : data.users?.find((u) => u.username === account.username)?.sshKeys;
  return { ...account, userType: account.memberof.includes(ADMINS_GROUP) ? 'PRIMARY' : 'NORMAL', sshKeys: sshKeys ?? [] };
}

/** Every user except root. */
export async function listUsers(deps: Pick<Deps, 'users' | 'userData'>): Promise<UserView[]> {
  const accounts = await deps.users.list();
  const data = await deps.userData.read();
  return accounts.map((account) => toView(account, data));
}

/** Legacy REST listing: usernames, the primary user first and only when asked for. */
export async function listUsernames(deps: Pick<Deps, 'users' | 'userData'>, withMainUser: boolean): Promise<string[]> {
  const names = (await deps.users.list()).map((account) => account.username);
  const primary = (await deps.userData.read()).username;
  const others = names.filter((name) => name !== primary);
  return withMainUser && primary !== undefined && names.includes(primary) ? [primary, ...others] : others;
}

/** One user; root is always there (its keys are `ssh.rootKeys`); null when unknown. */
export async function getUser(deps: Pick<Deps, 'users' | 'userData'>, username: string): Promise<UserView | null> {
  if (username === 'root') return rootUser(await deps.userData.read());
  const account = await deps.users.get(username);
  return account ? toView(account, await deps.userData.read()) : null;
}

function changedMessage(password: string | null | undefined, plain: string): string {
  return password ? USER_MESSAGES.passwordAppliedAsEmailPassword : plain;
}

/**
 * Creates a person (default group sp.full_users unless groups are given) with a unix account; a
 * password also becomes its "Legacy password" e-mail password. Validation: username, display name,
 * password, then the name must be free; nothing is created when any step fails.
 */
export async function createUser(deps: UserDeps, change: UserChange): Promise<UserChangeResult> {
  validateUsername(change.username);
  validateDisplayName(change.displayName);
  if (change.password != null) validatePassword(change.password);
  const groups = withoutDefaultGroups(change.groups ?? [FULL_USERS_GROUP]);
  await deps.users.create({
    username: change.username,
    displayName: change.displayName || change.username,
    password: change.password ?? undefined,
    groups,
  });
  // Deliberately after the person exists (the reference stores it first, quirk §15.14): a create
  // that fails must not add a mailbox password to an existing user of that name.
  if (change.password) await addLegacyEmailPassword(deps, change.username, change.password);
  return { user: await getUser(deps, change.username), message: changedMessage(change.password, USER_MESSAGES.userCreated) };
}

/**
 * Changes password, display name and direct groups (only those given); Kanidm's built-in groups are
 * never touched. Everything is checked (user, groups) before the first change.
 */
export async function updateUser(deps: UserDeps, change: UserChange): Promise<UserChangeResult> {
  const { username, password, displayName } = change;
  if (username === 'root') throw rootProtected();
  validateDisplayName(displayName);
  if (password != null) validatePassword(password);
  const current = await deps.users.get(username);
  if (!current) throw new CoreError('USER_NOT_FOUND', USER_MESSAGES.userNotFound);
  let toAdd: string[] = [];
  let toRemove: string[] = [];
  if (change.groups) {
    const requested = withoutDefaultGroups(change.groups);
    toAdd = requested.filter((g) => !current.directmemberof.includes(g));
    toRemove = current.directmemberof.filter((g) => !requested.includes(g));
    const known = new Set((await deps.users.listGroups()).map((g) => g.name));
    if (toAdd.some((g) => !known.has(g))) throw new CoreError('GROUP_NOT_FOUND', USER_MESSAGES.userOrGroupNotFound);
  }
  if (password) {
    await deps.users.setPassword(username, password);
    await replaceLegacyEmailPassword(deps, username, password);
  }
  if (displayName) await deps.users.setDisplayName(username, displayName);
  if (toAdd.length > 0) await deps.users.addToGroups(username, toAdd);
  if (toRemove.length > 0) await deps.users.removeFromGroups(username, toRemove);
  return { user: await getUser(deps, username), message: changedMessage(password, USER_MESSAGES.userUpdated) };
}

/**
 * Deletes a person, its unix account and its e-mail passwords. Root and the primary user are
 * refused: the primary user is the server owner's unix account, and deleting it would lock the
 * owner out of the machine (Kanidm, which does not own unix accounts, lets it go).
 */
export async function deleteUser(deps: Pick<Deps, 'users' | 'userData' | 'emailPasswords'>, username: string): Promise<void> {
  if (username === 'root') throw rootProtected();
  if ((await deps.userData.read()).username === username) {
    throw new CoreError('CANNOT_DELETE_PRIMARY_USER', USER_MESSAGES.userProtected);
  }
  if (!(await deps.users.get(username))) throw new CoreError('USER_NOT_FOUND', USER_MESSAGES.userNotFound);
  await deps.emailPasswords.deleteAll(username);
  await deps.users.delete(username);
}
