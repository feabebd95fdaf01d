import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import type { EmailPasswordRepository } from '../../core/ports.js';
import type { EmailPassword, EmailPasswordMetadata } from '../../core/users/user-types.js';
import type { Db } from './database.js';
import { emailPasswords } from './schema.js';

export class DrizzleEmailPasswordRepository implements EmailPasswordRepository {
  constructor(private readonly db: Db) {}

  list(username: string, now: Date): Promise<EmailPasswordMetadata[]> {
    return this.db
      .select({
        uuid: emailPasswords.uuid,
        displayName: emailPasswords.displayName,
        createdAt: emailPasswords.createdAt,
        expiresAt: emailPasswords.expiresAt,
        lastUsed: emailPasswords.lastUsed,
      })
      .from(emailPasswords)
      .where(this.usersLiveEntries(username, now))
      .orderBy(asc(emailPasswords.createdAt), asc(emailPasswords.uuid));
  }

  hashes(username: string, now: Date): Promise<Pick<EmailPassword, 'uuid' | 'passwordHash'>[]> {
    return this.db
      .select({ uuid: emailPasswords.uuid, passwordHash: emailPasswords.passwordHash })
      .from(emailPasswords)
      .where(this.usersLiveEntries(username, now))
      .orderBy(asc(emailPasswords.createdAt), asc(emailPasswords.uuid));
  }

  async add(entry: EmailPassword): Promise<void> {
    await this.db.insert(emailPasswords).values(entry);
  }

  async markUsed(username: string, uuid: string, at: Date): Promise<void> {
    await this.db.update(emailPasswords).set({ lastUsed: at }).where(and(eq(emailPasswords.username, username), eq(emailPasswords.uuid, uuid)));
  }

  async delete(username: string, uuid: string): Promise<void> {
    await this.db.delete(emailPasswords).where(and(eq(emailPasswords.username, username), eq(emailPasswords.uuid, uuid)));
  }

  async deleteAll(username: string): Promise<void> {
    await this.db.delete(emailPasswords).where(eq(emailPasswords.username, username));
  }

  // Entries without an expiry, or expiring after `now`.
  private usersLiveEntries(username: string, now: Date) {
    return and(eq(emailPasswords.username, username), or(isNull(emailPasswords.expiresAt), gt(emailPasswords.expiresAt, now)));
  }
}
