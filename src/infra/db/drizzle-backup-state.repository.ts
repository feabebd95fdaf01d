import { asc, eq, sql } from 'drizzle-orm';
import {
  type AutobackupQuotas, type BackupSettings, type BackupStateRepository, type CachedSnapshot, DEFAULT_BACKUP_SETTINGS,
} from '../../core/backups/backup-ports.js';
import type { BackupProvider, BackupReason } from '../../core/backups/backup-types.js';
import type { Db } from './database.js';
import { backupLastBackedUp, backupSettings, backupSnapshots } from './schema.js';

const SINGLE_ROW = 1;
const PROVIDERS: readonly string[] = ['BACKBLAZE', 'NONE', 'MEMORY', 'FILE'] satisfies BackupProvider[];
const REASONS: readonly string[] = ['EXPLICIT', 'AUTO', 'PRE_RESTORE'] satisfies BackupReason[];

type SettingsRow = typeof backupSettings.$inferSelect;
type SettingsColumns = Omit<typeof backupSettings.$inferInsert, 'id' | 'encryptionKey'>;

/** Backup settings, key, snapshot cache and last-backup times in the database, shared by every API process. */
export class DrizzleBackupStateRepository implements BackupStateRepository {
  constructor(private readonly db: Db) {}

  async readSettings(): Promise<BackupSettings> {
    const [row] = await this.db.select().from(backupSettings).where(eq(backupSettings.id, SINGLE_ROW));
    return row ? toSettings(row) : structuredClone(DEFAULT_BACKUP_SETTINGS);
  }

  async updateSettings(patch: Partial<BackupSettings>): Promise<BackupSettings> {
    const columns = toColumns(patch);
    // One statement on the upserted row: it sets only the patched columns, so concurrent patches of other
    // fields (from any process) are kept, and the row lock orders patches of the same field.
    const insert = this.db.insert(backupSettings).values({ id: SINGLE_ROW, ...columns });
    const [row] =
      Object.keys(columns).length === 0
        ? await insert.onConflictDoUpdate({ target: backupSettings.id, set: { id: sql`${backupSettings.id}` } }).returning()
        : await insert.onConflictDoUpdate({ target: backupSettings.id, set: columns }).returning();
    return toSettings(row!);
  }

  async forgetRepository(): Promise<void> {
    const defaults = toColumns(DEFAULT_BACKUP_SETTINGS);
    await this.db.transaction(async (tx) => {
      await tx.update(backupSettings).set(defaults).where(eq(backupSettings.id, SINGLE_ROW));
      await tx.delete(backupSnapshots);
      await tx.delete(backupLastBackedUp);
    });
  }

  async encryptionKey(generate: () => string): Promise<string> {
    const [stored] = await this.db.select({ key: backupSettings.encryptionKey }).from(backupSettings).where(eq(backupSettings.id, SINGLE_ROW));
    if (stored?.key) return stored.key;
    // The first key stored wins: a concurrent caller's own candidate is dropped and it reads the winner.
    const [row] = await this.db
      .insert(backupSettings)
      .values({ id: SINGLE_ROW, encryptionKey: generate() })
      .onConflictDoUpdate({
        target: backupSettings.id,
        set: { encryptionKey: sql`coalesce(${backupSettings.encryptionKey}, excluded.encryption_key)` },
      })
      .returning({ encryptionKey: backupSettings.encryptionKey });
    return row!.encryptionKey!;
  }

  async setEncryptionKey(key: string): Promise<void> {
    await this.db
      .insert(backupSettings)
      .values({ id: SINGLE_ROW, encryptionKey: key })
      .onConflictDoUpdate({ target: backupSettings.id, set: { encryptionKey: key } });
  }

  async listSnapshots(): Promise<CachedSnapshot[]> {
    const rows = await this.db.select().from(backupSnapshots).orderBy(asc(backupSnapshots.createdAt), asc(backupSnapshots.id));
    return rows.map((row) => ({
      id: row.id,
      fullId: row.fullId,
      serviceId: row.serviceId,
      reason: REASONS.includes(row.reason) ? (row.reason as BackupReason) : 'EXPLICIT',
      createdAt: row.createdAt,
      paths: [...row.paths],
    }));
  }

  async replaceSnapshots(snapshots: readonly CachedSnapshot[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(backupSnapshots);
      if (snapshots.length === 0) return;
      await tx
        .insert(backupSnapshots)
        .values(snapshots.map((s) => ({ id: s.id, fullId: s.fullId, serviceId: s.serviceId, reason: s.reason, createdAt: s.createdAt, paths: [...s.paths] })))
        // restic may list one short id twice only if two full ids share a prefix: keep the first.
        .onConflictDoNothing();
    });
  }

  async lastBackedUp(serviceId: string): Promise<{ snapshotId: string; at: Date } | undefined> {
    const [row] = await this.db.select().from(backupLastBackedUp).where(eq(backupLastBackedUp.serviceId, serviceId));
    return row && { snapshotId: row.snapshotId, at: row.backedUpAt };
  }

  async setLastBackedUp(serviceId: string, snapshotId: string, at: Date): Promise<void> {
    await this.db
      .insert(backupLastBackedUp)
      .values({ serviceId, snapshotId, backedUpAt: at })
      .onConflictDoUpdate({ target: backupLastBackedUp.serviceId, set: { snapshotId, backedUpAt: at } });
  }
}

function toSettings(row: SettingsRow): BackupSettings {
  if (!PROVIDERS.includes(row.provider)) throw new Error(`the stored backup provider is unknown: ${row.provider}`);
  const quotas: AutobackupQuotas = {
    last: row.quotaLast, daily: row.quotaDaily, weekly: row.quotaWeekly, monthly: row.quotaMonthly, yearly: row.quotaYearly,
  };
  return {
    provider: row.provider as BackupProvider,
    login: row.login,
    providerKey: row.providerKey,
    locationName: row.locationName,
    locationId: row.locationId,
    initialized: row.initialized,
    autobackupPeriodMinutes: row.autobackupPeriodMinutes,
    quotas,
  };
}

/** The columns a patch sets (absent fields stay out, so they are not written). */
function toColumns(patch: Partial<BackupSettings>): SettingsColumns {
  const columns: SettingsColumns = {};
  if (patch.provider !== undefined) columns.provider = patch.provider;
  if (patch.login !== undefined) columns.login = patch.login;
  if (patch.providerKey !== undefined) columns.providerKey = patch.providerKey;
  if (patch.locationName !== undefined) columns.locationName = patch.locationName;
  if (patch.locationId !== undefined) columns.locationId = patch.locationId;
  if (patch.initialized !== undefined) columns.initialized = patch.initialized;
  if (patch.autobackupPeriodMinutes !== undefined) columns.autobackupPeriodMinutes = patch.autobackupPeriodMinutes;
  if (patch.quotas !== undefined) {
    columns.quotaLast = patch.quotas.last;
    columns.quotaDaily = patch.quotas.daily;
    columns.quotaWeekly = patch.quotas.weekly;
    columns.quotaMonthly = patch.quotas.monthly;
    columns.quotaYearly = patch.quotas.yearly;
  }
  return columns;
}
