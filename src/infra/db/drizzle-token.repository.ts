import { asc, count, eq } from 'drizzle-orm';
import type { DeviceToken } from '../../core/auth/auth-types.js';
import type { TokenRepository } from '../../core/ports.js';
import type { Db } from './database.js';
import { deviceTokens } from './schema.js';

const deviceColumns = { name: deviceTokens.name, createdAt: deviceTokens.createdAt };

export class DrizzleTokenRepository implements TokenRepository {
  constructor(private readonly db: Db) {}

  list(): Promise<DeviceToken[]> {
    return this.db.select(deviceColumns).from(deviceTokens).orderBy(asc(deviceTokens.id));
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(deviceTokens);
    return row?.n ?? 0;
  }

  async findByHash(tokenHash: string): Promise<DeviceToken | undefined> {
    const [row] = await this.db.select(deviceColumns).from(deviceTokens).where(eq(deviceTokens.tokenHash, tokenHash));
    return row;
  }

  async findByName(name: string): Promise<DeviceToken | undefined> {
    const [row] = await this.db.select(deviceColumns).from(deviceTokens).where(eq(deviceTokens.name, name));
    return row;
  }

  async insert(token: DeviceToken & { tokenHash: string }): Promise<boolean> {
    const rows = await this.db.insert(deviceTokens).values(token).onConflictDoNothing().returning({ id: deviceTokens.id });
    return rows.length === 1;
  }

  async replaceHash(oldHash: string, newHash: string): Promise<boolean> {
    const rows = await this.db
      .update(deviceTokens)
      .set({ tokenHash: newHash })
      .where(eq(deviceTokens.tokenHash, oldHash))
      .returning({ id: deviceTokens.id });
    return rows.length === 1;
  }

  async deleteByName(name: string): Promise<string | undefined> {
    const [row] = await this.db
      .delete(deviceTokens)
      .where(eq(deviceTokens.name, name))
      .returning({ tokenHash: deviceTokens.tokenHash });
    return row?.tokenHash;
  }
}
