import { and, eq, gt, gte, isNull, or, sql } from 'drizzle-orm';
import type { NewDeviceKey, RecoveryKey } from '../../core/auth/auth-types.js';
import type { AuthKeyRepository } from '../../core/ports.js';
import type { Db } from './database.js';
import { newDeviceKey, recoveryKey } from './schema.js';

const SINGLE_ROW = 1;

export class DrizzleAuthKeyRepository implements AuthKeyRepository {
  constructor(private readonly db: Db) {}

  async getRecoveryKey(): Promise<RecoveryKey | undefined> {
    const [row] = await this.db.select().from(recoveryKey).where(eq(recoveryKey.id, SINGLE_ROW));
    return row && { keyHash: row.keyHash, createdAt: row.createdAt, expiresAt: row.expiresAt, usesLeft: row.usesLeft };
  }

  async saveRecoveryKey(key: RecoveryKey): Promise<void> {
    await this.db
      .insert(recoveryKey)
      .values({ id: SINGLE_ROW, ...key })
      .onConflictDoUpdate({ target: recoveryKey.id, set: key });
  }

  async spendRecoveryKey(keyHash: string, now: Date): Promise<boolean> {
    const rows = await this.db
      .update(recoveryKey)
      .set({ usesLeft: sql`${recoveryKey.usesLeft} - 1` })
      .where(
        and(
          eq(recoveryKey.id, SINGLE_ROW),
          eq(recoveryKey.keyHash, keyHash),
          or(isNull(recoveryKey.expiresAt), gte(recoveryKey.expiresAt, now)),
          or(isNull(recoveryKey.usesLeft), gt(recoveryKey.usesLeft, 0)),
        ),
      )
      .returning({ id: recoveryKey.id });
    return rows.length === 1;
  }

  async getNewDeviceKey(): Promise<NewDeviceKey | undefined> {
    const [row] = await this.db.select().from(newDeviceKey).where(eq(newDeviceKey.id, SINGLE_ROW));
    return row && { keyHash: row.keyHash, createdAt: row.createdAt, expiresAt: row.expiresAt };
  }

  async saveNewDeviceKey(key: NewDeviceKey): Promise<void> {
    await this.db
      .insert(newDeviceKey)
      .values({ id: SINGLE_ROW, ...key })
      .onConflictDoUpdate({ target: newDeviceKey.id, set: key });
  }

  async deleteNewDeviceKey(): Promise<void> {
    await this.db.delete(newDeviceKey);
  }

  async consumeNewDeviceKey(keyHash: string, now: Date): Promise<boolean> {
    const rows = await this.db
      .delete(newDeviceKey)
      .where(and(eq(newDeviceKey.keyHash, keyHash), gte(newDeviceKey.expiresAt, now)))
      .returning({ id: newDeviceKey.id });
    return rows.length === 1;
  }
}
