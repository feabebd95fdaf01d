// What the backup use cases need besides restic: their own stored state, file operations on real folders,
// and the right to run the automatic-backup scheduler.
import type { BackupProvider, BackupReason } from './backup-types.js';

/** The contract's AutobackupQuotas: how many automatic snapshots each bucket keeps (-1 unlimited, 0 none). */
export interface AutobackupQuotas {
  last: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
}

export const UNLIMITED_QUOTAS: AutobackupQuotas = { last: -1, daily: -1, weekly: -1, monthly: -1, yearly: -1 };

/** The stored backup configuration (the reference kept it in Redis, §10.8). */
export interface BackupSettings {
  provider: BackupProvider;
  /** Provider account (Backblaze key id). */
  login: string;
  /** Provider secret (Backblaze application key). */
  providerKey: string;
  /** Bucket name or local path; '' for NONE. */
  locationName: string;
  /** Bucket id; '' for NONE. */
  locationId: string;
  initialized: boolean;
  /** Minutes between automatic backups; null when disabled. */
  autobackupPeriodMinutes: number | null;
  quotas: AutobackupQuotas;
}

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = {
  provider: 'NONE',
  login: '',
  providerKey: '',
  locationName: '',
  locationId: '',
  initialized: false,
  autobackupPeriodMinutes: null,
  quotas: UNLIMITED_QUOTAS,
};

/** One snapshot as the API remembers it between reloads from restic. */
export interface CachedSnapshot {
  /** restic's short id (8 hex characters). */
  id: string;
  /** restic's full id ('' when unknown). */
  fullId: string;
  serviceId: string;
  reason: BackupReason;
  createdAt: Date;
  /** The folders it holds, as restic recorded them. */
  paths: string[];
}

/** Backup state kept in the database so every API process sees the same. */
export interface BackupStateRepository {
  /** The stored settings, DEFAULT_BACKUP_SETTINGS when nothing was stored. */
  readSettings(): Promise<BackupSettings>;
  /** Applies the patch atomically (concurrent patches do not lose each other) and returns the result. */
  updateSettings(patch: Partial<BackupSettings>): Promise<BackupSettings>;
  /** removeRepository: settings back to the defaults, the snapshot cache and last-backup times emptied; the encryption key stays. */
  forgetRepository(): Promise<void>;
  /** The encryption key; `generate()` is stored and returned when there is none yet (atomically: one key wins). */
  encryptionKey(generate: () => string): Promise<string>;
  setEncryptionKey(key: string): Promise<void>;
  listSnapshots(): Promise<CachedSnapshot[]>;
  /** Replaces the whole cache in one transaction. */
  replaceSnapshots(snapshots: readonly CachedSnapshot[]): Promise<void>;
  lastBackedUp(serviceId: string): Promise<{ snapshotId: string; at: Date } | undefined>;
  setLastBackedUp(serviceId: string, snapshotId: string, at: Date): Promise<void>;
}

/**
 * Plain file operations on real paths (the caller maps host folders with `Host.filesPath`). Every method
 * rejects with a clear Error when the operation cannot be done; `signal` aborts long copies.
 */
export interface BackupFiles {
  /** A fresh empty private folder for a restore (removed by the caller with `remove`). */
  makeTempFolder(prefix: string): Promise<string>;
  /** Removes a file or folder with everything in it (nothing when it does not exist). */
  remove(path: string): Promise<void>;
  /** Makes `path` an empty folder (creating it, or deleting what is inside; the folder itself, its owner and mode stay). */
  emptyFolder(path: string): Promise<void>;
  /** Makes `to` hold exactly what `from` holds (copies, overwrites, deletes extras; keeps modes and times). `from` must exist. */
  syncFolder(from: string, to: string, signal?: AbortSignal): Promise<void>;
  /** Copies a file or a folder to `to` (replacing it). */
  copy(from: string, to: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  writeFile(path: string, data: string): Promise<void>;
  readFile(path: string): Promise<string>;
}

/**
 * Which process runs the automatic-backup scheduler when several share one database: a PostgreSQL advisory
 * lock held by a session (it frees itself when that process dies); an embedded database always holds it.
 */
export interface SchedulerLeadership {
  /** True when this process holds the lock now (taking it when it is free). */
  holds(): Promise<boolean>;
  /** Gives the lock up (shutdown). */
  release(): Promise<void>;
}
