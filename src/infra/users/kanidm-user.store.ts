import { randomUUID } from 'node:crypto';
import { CoreError } from '../../core/errors.js';
import type { JsonDocumentStore, PasswordHasher, UserStore } from '../../core/ports.js';
import type { UserData } from '../../core/userdata/userdata-types.js';
import { RESET_MESSAGES, USER_MESSAGES } from '../../core/users/user-messages.js';
import type { GroupInfo, NewUserAccount, UserAccount } from '../../core/users/user-types.js';
import { KanidmShapeError, nonEmptyList, toAccount, toGroup } from './kanidm-attributes.js';
import type { KanidmClient } from './kanidm-client.js';
import { KANIDM_ERRORS } from './kanidm-messages.js';

const person = (username: string) => `person/${encodeURIComponent(username)}`;
const members = (group: string) => `group/${encodeURIComponent(group)}/_attr/member`;

/**
 * The identity store of a real SelfPrivacy server: persons and groups in Kanidm (spec §13.2). The
 * userdata keeps a legacy `users[]` entry per person for its SSH keys and unix account, as the
 * reference does. Kanidm serves its own password-reset page, so this API's reset page has no links.
 */
export class KanidmUserStore implements UserStore {
  constructor(
    private readonly kanidm: KanidmClient,
    private readonly userData: JsonDocumentStore<UserData>,
    private readonly hasher: PasswordHasher,
  ) {}

  async list(): Promise<UserAccount[]> {
    const accounts = await this.kanidm.request('GET', 'person', { read: (data) => nonEmptyList(data).map(toAccount) });
    return accounts.filter((account) => account.username !== 'root');
  }

  async get(username: string): Promise<UserAccount | undefined> {
    // Kanidm answers an unknown person with 200 and `null`.
    return this.kanidm.request('GET', person(username), { read: (data) => (data === null ? undefined : toAccount(data)) });
  }

  async create(user: NewUserAccount): Promise<void> {
    // Checked first so that a create naming an unknown group makes no person (Kanidm would make it, then refuse the group).
    if (user.groups.length > 0) await this.requireGroups(user.groups);
    const domain = await this.domain();
    const attrs = { name: [user.username], displayname: [user.displayName || user.username], mail: [`${user.username}@${domain}`], class: ['user'] };
    await this.kanidm.request('POST', 'person', { body: { attrs } });
    for (const group of user.groups) await this.kanidm.request('POST', members(group), { body: [user.username], notFound: 'GROUP_NOT_FOUND' });
    // The unix account NixOS builds gets an unusable password (the reference hashes a random UUID): people log in through Kanidm.
    const hashedPassword = await this.hasher.hash(randomUUID());
    await this.userData.update((data) => {
      if (data.username === user.username || data.users?.some((u) => u.username === user.username)) return;
      (data.users ??= []).push({ username: user.username, sshKeys: [], hashedPassword });
    });
  }

  async delete(username: string): Promise<void> {
    // Kanidm first: a refused delete leaves the person's SSH keys in place.
    await this.kanidm.request('DELETE', person(username));
    await this.userData.update((data) => {
      if (data.users) data.users = data.users.filter((u) => u.username !== username);
    });
  }

  async setDisplayName(username: string, displayName: string): Promise<void> {
    const domain = await this.domain();
    // As the reference does, the PATCH sets the mail address along with the display name.
    await this.kanidm.request('PATCH', person(username), { body: { attrs: { mail: [`${username}@${domain}`], displayname: [displayName] } } });
  }

  async setPassword(_username: string, _password: string): Promise<void> {
    // Kanidm passwords are set only on Kanidm's own page (a reset link); the core keeps the given password as an e-mail password.
  }

  async addToGroups(username: string, groups: readonly string[]): Promise<void> {
    for (const group of groups) await this.kanidm.request('POST', members(group), { body: [username], notFound: 'GROUP_NOT_FOUND' });
  }

  async removeFromGroups(username: string, groups: readonly string[]): Promise<void> {
    for (const group of groups) await this.kanidm.request('DELETE', members(group), { body: [username], notFound: 'GROUP_NOT_FOUND' });
  }

  async listGroups(): Promise<GroupInfo[]> {
    return this.kanidm.request('GET', 'group', {
      read: (data) => nonEmptyList(data).flatMap((entry) => toGroup(entry) ?? []),
    });
  }

  async ensureGroup(name: string, options: { description?: string; memberGroups?: readonly string[] } = {}): Promise<void> {
    const path = `group/${encodeURIComponent(name)}`;
    const exists = await this.kanidm.request('GET', path, { notFound: 'GROUP_NOT_FOUND', read: (data) => data !== null });
    const description = options.description === undefined ? {} : { description: [options.description] };
    if (!exists) await this.kanidm.request('POST', 'group', { body: { attrs: { name: [name], ...description } } });
    else if (options.description !== undefined) await this.kanidm.request('PATCH', path, { body: { attrs: description } });
    if (options.memberGroups?.length) await this.kanidm.request('POST', members(name), { body: [...options.memberGroups], notFound: 'GROUP_NOT_FOUND' });
  }

  async createPasswordResetLink(username: string): Promise<string> {
    const token = await this.kanidm.request('GET', `${person(username)}/_credential/_update_intent`, { read: resetToken });
    return `${(await this.kanidm.baseUrl()).replace(/\/+$/, '')}/ui/reset?token=${encodeURIComponent(token)}`;
  }

  async checkPasswordResetLink(_token: string): Promise<string | undefined> {
    return undefined; // links point at Kanidm's page, never at this API's
  }

  async resetPasswordWithLink(_token: string, _password: string): Promise<string> {
    throw new CoreError('RESET_LINK_INVALID', RESET_MESSAGES.linkInvalid);
  }

  private async requireGroups(groups: readonly string[]): Promise<void> {
    const known = new Set((await this.listGroups()).map((g) => g.name));
    if (groups.some((g) => !known.has(g))) throw new CoreError('GROUP_NOT_FOUND', USER_MESSAGES.userOrGroupNotFound);
  }

  private async domain(): Promise<string> {
    return (await this.userData.read()).domain ?? 'localhost';
  }
}

function resetToken(data: unknown): string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new KanidmShapeError(KANIDM_ERRORS.emptyResponse);
  const token = (data as { token?: unknown }).token;
  if (typeof token !== 'string' || token === '') throw new KanidmShapeError(KANIDM_ERRORS.noResetToken);
  return token;
}
