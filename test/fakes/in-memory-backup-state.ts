import {
  type BackupSettings, type BackupStateRepository, type CachedSnapshot, DEFAULT_BACKUP_SETTINGS,
} from '../../src/core/backups/backup-ports.js';

/** Backup state in memory, behaving like the database repository (copies in, copies out). */
export class InMemoryBackupState implements BackupStateRepository {
  settings: BackupSettings = structuredClone(DEFAULT_BACKUP_SETTINGS);
  key: string | undefined;
  snapshots: CachedSnapshot[] = [];
  lastBackups = new Map<string, { snapshotId: string; at: Date }>();

  async readSettings() {
    return structuredClone(this.settings);
  }
  async updateSettings(patch: Partial<BackupSettings>) {
    this.settings = { ...this.settings, ...structuredClone(patch) };
    return structuredClone(this.settings);
  }
  async forgetRepository() {
    this.settings = structuredClone(DEFAULT_BACKUP_SETTINGS);
    this.snapshots = [];
    this.lastBackups.clear();
  }
  async encryptionKey(generate: () => string) {
    this.key ??= generate();
    return this.key;
  }
  async setEncryptionKey(key: string) {
    this.key = key;
  }
  async listSnapshots() {
    return structuredClone(this.snapshots);
  }
  async replaceSnapshots(snapshots: readonly CachedSnapshot[]) {
    this.snapshots = structuredClone([...snapshots]);
  }
  async lastBackedUp(serviceId: string) {
    const last = this.lastBackups.get(serviceId);
    return last && { ...last };
  }
  async setLastBackedUp(serviceId: string, snapshotId: string, at: Date) {
    this.lastBackups.set(serviceId, { snapshotId, at: new Date(at) });
  }
}
