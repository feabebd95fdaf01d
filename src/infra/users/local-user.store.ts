import { randomBytes, randomUUID } from 'node:crypto';
import { hashSecret } from '../../core/auth/secrets.js';
import { CoreError } from '../../core/errors.js';
import type { Clock, JsonDocumentStore, PasswordHasher, RuntimeSettings, UserStore } from '../../core/ports.js';
import type { LegacyUserEntry, UserData } from '../../core/userdata/userdata-types.js';
import { ADMINS_GROUP, FULL_USERS_GROUP } from '../../core/users/groups.js';
import { RESET_MESSAGES, USER_MESSAGES } from '../../core/users/user-messages.js';
import type { GroupInfo, NewUserAccount, UserAccount } from '../../core/users/user-types.js';
import type { DrizzleIdentityRepository, IdentityRow } from './drizzle-identity.repository.js';
import { describeGroups, membershipsOf } from './membership-graph.js';

const RESET_LINK_TTL_MS = 24 * 60 * 60 * 1000;

const userNotFound = () => new CoreError('USER_NOT_FOUND', USER_MESSAGES.userNotFound);
const linkInvalid = () => new CoreError('RESET_LINK_INVALID', RESET_MESSAGES.linkInvalid);

/** The unix accounts in the userdata: the primary user first, then `users[]` in file order. */
function unixUsernames(data: UserData): string[] {
  const names = [data.username, ...(data.users ?? []).map((u) => u.username)];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== '' && n !== 'root'))];
}

function hasUnixAccount(data: UserData, username: string): boolean {
  return unixUsernames(data).includes(username);
}

function legacyEntry(data: UserData, username: string): LegacyUserEntry | undefined {
  return data.users?.find((u) => u.username === username);
}

/** Writes a unix password hash where NixOS reads it; false when the account is not in the userdata. */
function writeHash(data: UserData, username: string, hash: string): boolean {
  if (data.username === username) {
    data.hashedMasterPassword = hash;
    return true;
  }
  const entry = legacyEntry(data, username);
  if (entry) entry.hashedPassword = hash;
  return Boolean(entry);
}

/**
 * The identity store of a server without Kanidm: unix accounts (and their password hashes) live in
 * the userdata file, which NixOS turns into real accounts; what Kanidm would add (display name,
 * e-mail, groups, reset links) lives in the database. Accounts that exist only in the userdata (made
 * by older tools) get their identity rows with Kanidm's defaults the first time they are seen.
 * File changes take the userdata lock first and do their SQL inside it, so the two never disagree
 * about a change that failed.
 */
export class LocalUserStore implements UserStore {
  private defaultGroupsReady = false;

  constructor(
    private readonly identity: DrizzleIdentityRepository,
    private readonly userData: JsonDocumentStore<UserData>,
    private readonly clock: Clock,
    private readonly settings: Pick<RuntimeSettings, 'publicUrl'>,
    private readonly hasher: PasswordHasher,
  ) {}

  async list(): Promise<UserAccount[]> {
    const data = await this.userData.read();
    return this.accounts(data, unixUsernames(data));
  }

  async get(username: string): Promise<UserAccount | undefined> {
    const data = await this.userData.read();
    if (!hasUnixAccount(data, username)) return undefined;
    return (await this.accounts(data, [username]))[0];
  }

  async create(user: NewUserAccount): Promise<void> {
    await this.ensureDefaultGroups();
    // Without a password the account is locked until a reset link sets one (the reference hashes a random UUID).
    const hash = await this.hasher.hash(user.password ?? randomUUID());
    await this.userData.update(async (data) => {
      if (hasUnixAccount(data, user.username)) throw new CoreError('USER_ALREADY_EXISTS', USER_MESSAGES.userAlreadyExists);
      const row = { username: user.username, displayName: user.displayName, email: emailOf(user.username, data) };
      await this.identity.replaceUser(row, user.groups, this.clock.now());
      (data.users ??= []).push({ username: user.username, sshKeys: [], hashedPassword: hash });
    });
  }

  async delete(username: string): Promise<void> {
    await this.userData.update(async (data) => {
      if (data.username === username) throw new CoreError('CANNOT_DELETE_PRIMARY_USER', USER_MESSAGES.userProtected);
      const index = (data.users ?? []).findIndex((u) => u.username === username);
      if (index < 0) throw userNotFound();
      await this.identity.deleteUser(username);
      data.users!.splice(index, 1);
    });
  }

  async setDisplayName(username: string, displayName: string): Promise<void> {
    const data = await this.requireAccount(username);
    // Kanidm's PATCH rewrites the mail address along with the display name.
    await this.identity.updateUser(username, { displayName, email: emailOf(username, data) });
  }

  async setPassword(username: string, password: string): Promise<void> {
    const hash = await this.hasher.hash(password);
    await this.userData.update((data) => {
      if (!writeHash(data, username, hash)) throw userNotFound();
    });
  }

  async addToGroups(username: string, groups: readonly string[]): Promise<void> {
    await this.requireAccount(username);
    await this.identity.addMemberships(username, groups);
  }

  async removeFromGroups(username: string, groups: readonly string[]): Promise<void> {
    await this.requireAccount(username);
    await this.identity.removeMemberships(username, groups);
  }

  async listGroups(): Promise<GroupInfo[]> {
    await this.ensureDefaultGroups();
    const data = await this.userData.read();
    return describeGroups(await this.identity.membershipGraph(), data.domain);
  }

  async ensureGroup(name: string, options: { description?: string; memberGroups?: readonly string[] } = {}): Promise<void> {
    await this.ensureDefaultGroups();
    await this.identity.ensureGroup(name, options.description ?? null, this.clock.now());
    if (options.description !== undefined) await this.identity.setGroupDescription(name, options.description);
    await this.identity.addGroupMembers(name, options.memberGroups ?? []);
  }

  async createPasswordResetLink(username: string): Promise<string> {
    const data = await this.userData.read();
    // Kanidm answers an unknown person with its "user or group" error; the app shows that text.
    if (!hasUnixAccount(data, username)) throw new CoreError('USER_NOT_FOUND', USER_MESSAGES.userOrGroupNotFound);
    await this.accounts(data, [username]);
    const now = this.clock.now();
    await this.identity.purgeLinks(now);
    const token = randomBytes(32).toString('base64url');
    await this.identity.insertResetLink({
      tokenHash: hashSecret(token),
      username,
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_LINK_TTL_MS),
    });
    const base = (this.settings.publicUrl ?? `https://api.${data.domain ?? 'localhost'}`).replace(/\/+$/, '');
    return `${base}/user/reset-password?token=${token}`;
  }

  checkPasswordResetLink(token: string): Promise<string | undefined> {
    return this.identity.usableLinkOwner(hashSecret(token), this.clock.now());
  }

  async resetPasswordWithLink(token: string, password: string): Promise<string> {
    const hash = await this.hasher.hash(password);
    return this.userData.update(async (data) => {
      const username = await this.identity.spendLink(hashSecret(token), this.clock.now());
      if (!username || !writeHash(data, username, hash)) throw linkInvalid();
      return username;
    });
  }

  private async requireAccount(username: string): Promise<UserData> {
    const data = await this.userData.read();
    if (!hasUnixAccount(data, username)) throw userNotFound();
    await this.accounts(data, [username]);
    return data;
  }

  /** The accounts of `usernames` (all in the userdata), provisioning identity rows that are missing. */
  private async accounts(data: UserData, usernames: string[]): Promise<UserAccount[]> {
    if (usernames.length === 0) return [];
    let rows = await this.identity.usersByName(usernames);
    const missing = usernames.filter((name) => !rows.some((r) => r.username === name));
    if (missing.length > 0) {
      await this.ensureDefaultGroups();
      const defaults = (name: string) => (name === data.username ? [FULL_USERS_GROUP, ADMINS_GROUP] : [FULL_USERS_GROUP]);
      await this.identity.provision(
        missing.map((name) => ({ username: name, displayName: name, email: emailOf(name, data), groups: defaults(name) })),
        this.clock.now(),
      );
      rows = await this.identity.usersByName(usernames);
    }
    const memberships = membershipsOf(await this.identity.membershipGraph(usernames));
    const byName = new Map<string, IdentityRow>(rows.map((r) => [r.username, r]));
    return usernames.flatMap((name) => {
      const row = byName.get(name);
      return row ? [{ username: name, displayName: row.displayName, email: row.email, ...memberships(name) }] : [];
    });
  }

  private async ensureDefaultGroups(): Promise<void> {
    if (this.defaultGroupsReady) return;
    const now = this.clock.now();
    await this.identity.ensureGroup(FULL_USERS_GROUP, null, now);
    await this.identity.ensureGroup(ADMINS_GROUP, null, now);
    this.defaultGroupsReady = true;
  }
}

function emailOf(username: string, data: UserData): string {
  return `${username}@${data.domain ?? 'localhost'}`;
}
