import { and, eq, gt, inArray, isNull, lt } from 'drizzle-orm';
import { CoreError } from '../../core/errors.js';
import { USER_MESSAGES } from '../../core/users/user-messages.js';
import type { Db } from '../db/database.js';
import { groupGroupMembers, groupUserMembers, identityGroups, identityUsers, passwordResetLinks } from '../db/schema.js';

export interface IdentityRow {
  username: string;
  displayName: string;
  email: string;
}

/** Who is directly in which group: persons per group and groups per group. */
export interface MembershipGraph {
  groups: { name: string; description: string | null }[];
  userEdges: { groupName: string; username: string }[];
  groupEdges: { groupName: string; memberGroup: string }[];
}

const groupNotFound = () => new CoreError('GROUP_NOT_FOUND', USER_MESSAGES.userOrGroupNotFound);

/** The identity tables: persons, groups, memberships and reset links (SQL only, no userdata). */
export class DrizzleIdentityRepository {
  constructor(private readonly db: Db) {}

  async usersByName(usernames: readonly string[]): Promise<IdentityRow[]> {
    if (usernames.length === 0) return [];
    return this.db
      .select({ username: identityUsers.username, displayName: identityUsers.displayName, email: identityUsers.email })
      .from(identityUsers)
      .where(inArray(identityUsers.username, [...usernames]));
  }

  async ensureGroup(name: string, description: string | null, now: Date): Promise<void> {
    await this.db.insert(identityGroups).values({ name, description, createdAt: now }).onConflictDoNothing();
  }

  async setGroupDescription(name: string, description: string): Promise<void> {
    await this.db.update(identityGroups).set({ description }).where(eq(identityGroups.name, name));
  }

  /** Inserts the persons that have no row yet, each with its groups; concurrent calls insert each once. */
  async provision(rows: readonly (IdentityRow & { groups: readonly string[] })[], now: Date): Promise<void> {
    for (const row of rows) {
      const inserted = await this.db
        .insert(identityUsers)
        .values({ username: row.username, displayName: row.displayName, email: row.email, createdAt: now })
        .onConflictDoNothing()
        .returning({ username: identityUsers.username });
      if (inserted.length === 1 && row.groups.length > 0) {
        await this.db
          .insert(groupUserMembers)
          .values(row.groups.map((groupName) => ({ groupName, username: row.username })))
          .onConflictDoNothing();
      }
    }
  }

  /** Creates the person afresh (a stale row of that name goes, with all attached); GROUP_NOT_FOUND first. */
  async replaceUser(row: IdentityRow, groups: readonly string[], now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await requireGroups(tx as unknown as Db, groups);
      await tx.delete(identityUsers).where(eq(identityUsers.username, row.username));
      await tx.insert(identityUsers).values({ ...row, createdAt: now });
      if (groups.length > 0) {
        await tx.insert(groupUserMembers).values(groups.map((groupName) => ({ groupName, username: row.username })));
      }
    });
  }

  async deleteUser(username: string): Promise<void> {
    await this.db.delete(identityUsers).where(eq(identityUsers.username, username));
  }

  async updateUser(username: string, patch: Partial<Omit<IdentityRow, 'username'>>): Promise<void> {
    await this.db.update(identityUsers).set(patch).where(eq(identityUsers.username, username));
  }

  async addMemberships(username: string, groups: readonly string[]): Promise<void> {
    if (groups.length === 0) return;
    await this.db.transaction(async (tx) => {
      await requireGroups(tx as unknown as Db, groups);
      await tx
        .insert(groupUserMembers)
        .values(groups.map((groupName) => ({ groupName, username })))
        .onConflictDoNothing();
    });
  }

  async removeMemberships(username: string, groups: readonly string[]): Promise<void> {
    if (groups.length === 0) return;
    await this.db
      .delete(groupUserMembers)
      .where(and(eq(groupUserMembers.username, username), inArray(groupUserMembers.groupName, [...groups])));
  }

  /** Makes `memberGroups` members of `name`; GROUP_NOT_FOUND when one of them does not exist. */
  async addGroupMembers(name: string, memberGroups: readonly string[]): Promise<void> {
    if (memberGroups.length === 0) return;
    await this.db.transaction(async (tx) => {
      await requireGroups(tx as unknown as Db, [name, ...memberGroups]);
      await tx
        .insert(groupGroupMembers)
        .values(memberGroups.map((memberGroup) => ({ groupName: name, memberGroup })))
        .onConflictDoNothing();
    });
  }

  /** The groups and their nesting, with the memberships of `usernames` (of everyone when not given). */
  async membershipGraph(usernames?: readonly string[]): Promise<MembershipGraph> {
    const groups = await this.db
      .select({ name: identityGroups.name, description: identityGroups.description })
      .from(identityGroups)
      .orderBy(identityGroups.name);
    const userEdges = usernames
      ? await this.db.select().from(groupUserMembers).where(inArray(groupUserMembers.username, [...usernames]))
      : await this.db.select().from(groupUserMembers);
    const groupEdges = await this.db.select().from(groupGroupMembers);
    return { groups, userEdges, groupEdges };
  }

  async insertResetLink(link: { tokenHash: string; username: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.db.insert(passwordResetLinks).values(link);
  }

  /** The owner of a link that is neither used nor expired at `now`. */
  async usableLinkOwner(tokenHash: string, now: Date): Promise<string | undefined> {
    const [row] = await this.db
      .select({ username: passwordResetLinks.username })
      .from(passwordResetLinks)
      .where(usable(tokenHash, now));
    return row?.username;
  }

  /** Marks a usable link used (atomically: one caller wins) and returns its owner. */
  async spendLink(tokenHash: string, now: Date): Promise<string | undefined> {
    const [row] = await this.db
      .update(passwordResetLinks)
      .set({ usedAt: now })
      .where(usable(tokenHash, now))
      .returning({ username: passwordResetLinks.username });
    return row?.username;
  }

  /** Forgets links that expired before `before` (used or not). */
  async purgeLinks(before: Date): Promise<void> {
    await this.db.delete(passwordResetLinks).where(lt(passwordResetLinks.expiresAt, before));
  }
}

function usable(tokenHash: string, now: Date) {
  return and(eq(passwordResetLinks.tokenHash, tokenHash), isNull(passwordResetLinks.usedAt), gt(passwordResetLinks.expiresAt, now));
}

async function requireGroups(db: Db, groups: readonly string[]): Promise<void> {
  if (groups.length === 0) return;
  const found = await db.select({ name: identityGroups.name }).from(identityGroups).where(inArray(identityGroups.name, [...groups]));
  if (found.length !== new Set(groups).size) throw groupNotFound();
}
