import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { kanidmAdminToken } from '../db/schema.js';

const SINGLE_ROW = 1;

/** Where the Kanidm admin token that last worked is kept, so every API process (and restart) reuses it. */
export interface KanidmTokenCache {
  read(): Promise<string | undefined>;
  write(token: string): Promise<void>;
  clear(): Promise<void>;
}

/** The token cache in the database (the reference kept it in Redis as `kanidm:token`). */
export class DrizzleKanidmTokenCache implements KanidmTokenCache {
  constructor(private readonly db: Db) {}

  async read(): Promise<string | undefined> {
    const [row] = await this.db.select().from(kanidmAdminToken).where(eq(kanidmAdminToken.id, SINGLE_ROW));
    return row?.token;
  }

  async write(token: string): Promise<void> {
    await this.db
      .insert(kanidmAdminToken)
      .values({ id: SINGLE_ROW, token })
      .onConflictDoUpdate({ target: kanidmAdminToken.id, set: { token } });
  }

  async clear(): Promise<void> {
    await this.db.delete(kanidmAdminToken).where(eq(kanidmAdminToken.id, SINGLE_ROW));
  }
}
