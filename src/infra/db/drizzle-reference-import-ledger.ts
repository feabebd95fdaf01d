import { and, eq } from 'drizzle-orm';
import type { ReferenceImportKind, ReferenceImportLedger } from '../../core/ports.js';
import type { Db } from './database.js';
import { referenceImports } from './schema.js';

export class DrizzleReferenceImportLedger implements ReferenceImportLedger {
  constructor(private readonly db: Db) {}

  async has(kind: ReferenceImportKind, key: string): Promise<boolean> {
    const rows = await this.db
      .select({ key: referenceImports.key })
      .from(referenceImports)
      .where(and(eq(referenceImports.kind, kind), eq(referenceImports.key, key)))
      .limit(1);
    return rows.length > 0;
  }

  async record(kind: ReferenceImportKind, key: string, at: Date): Promise<void> {
    await this.db.insert(referenceImports).values({ kind, key, importedAt: at }).onConflictDoNothing();
  }
}
