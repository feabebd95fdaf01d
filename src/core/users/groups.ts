import type { Deps } from '../ports.js';
import type { GroupInfo } from './user-types.js';

/** Every person is in this group unless created otherwise (the app's "full user"). */
export const FULL_USERS_GROUP = 'sp.full_users';
/** Members of this group are administrators; the primary user is one (userType PRIMARY). */
export const ADMINS_GROUP = 'sp.admins';
/** Kanidm's built-in groups of every person: never shown, never changed by updates. */
export const KANIDM_DEFAULT_GROUPS: readonly string[] = ['idm_all_persons', 'idm_all_accounts', 'idm_people_self_name_write'];

/** Leaves out Kanidm's built-in groups and repeated names, keeping the order. */
export function withoutDefaultGroups(groups: readonly string[]): string[] {
  return [...new Set(groups)].filter((g) => !KANIDM_DEFAULT_GROUPS.includes(g));
}

/** `groups.allGroups`: every group of the identity store with its members and parents. */
export function listGroups(deps: Pick<Deps, 'users'>): Promise<GroupInfo[]> {
  return deps.users.listGroups();
}
