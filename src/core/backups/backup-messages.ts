// The contract's texts for backups (§5.8, §7.4, §10): written once here, read by both transports.

export const BACKUP_MESSAGES = {
  backupQueued: 'Backup job queued',
  totalBackupQueued: 'Total backup task queued',
  restoreCreated: 'Restore job created',
  nonexistentService: (id: string) => `Nonexistent service: ${id}`,
  snapshotNotFound: (id: string) => `Snapshot not found with id: ${id}`,
  backupBusy: (id: string, typeId: string) => `Cannot start a backup of ${id}, another operation is running: ${typeId}`,
  // sic: the reference says "restore" for the total backup's check too
  restoreBusy: (id: string, typeId: string) => `Cannot start a restore of ${id}, another operation is running: ${typeId}`,
  notConfigured: 'Backups are not configured: initialize a backup repository first',
} as const;

/** Names, descriptions and step texts of the backup and restore jobs (§7.4, §10.3–10.7). */
export const BACKUP_JOBS = {
  backup: (serviceId: string, displayName: string) => ({
    typeId: `services.${serviceId}.backup`,
    name: `Backup ${displayName}`,
    description: `Backing up ${displayName}`,
  }),
  restore: (serviceId: string, displayName: string, snapshotId: string) => ({
    typeId: `services.${serviceId}.restore`,
    name: `Restore ${displayName}`,
    description: `Restoring ${displayName} from ${snapshotId}`,
  }),
  totalBackup: { typeId: 'backups.total_backup', name: 'Total backup', description: 'Backing up all the enabled services' },
  totalRestore: { typeId: 'backups.total_restore', name: 'Total restore', description: 'Restoring all enabled services' },
} as const;

export const BACKUP_STEPS = {
  notBackuppable: 'cannot backup a non-backuppable service',
  dumpingDatabase: (db: string) => `Creating a dump of database ${db}`,
  stashingSettings: 'Stashing settings',
  uploading: 'Uploading backup',
  backupFinished: 'Backup finished',
  interruptedUpload: (displayName: string) =>
    `The API stopped while backing up ${displayName}: no snapshot was made and the repository stays usable; back it up again.`,
  interruptedAfterUpload: (displayName: string, snapshotId: string) =>
    `The API stopped just after backing up ${displayName}: snapshot ${snapshotId} was made.`,
  uploaded: (done: string, total: string, filesDone: number, filesTotal: number) =>
    `Uploaded ${done} of ${total} (${filesDone} of ${filesTotal} files)`,
} as const;

export const RESTORE_STEPS = {
  notEnoughSpace: (available: number, needed: number) => `we only have ${available} bytes but snapshot needs ${needed}`,
  stoppingService: 'Stopping the service',
  serviceDidNotStop: (displayName: string) => `${displayName} did not stop; nothing was restored`,
  waitingForPreRestoreBackup: 'Waiting for pre-restore backup',
  restoringFrom: (snapshotId: string) => `Restoring from ${snapshotId}`,
  reverting: (error: string, preRestoreId: string) => `Restore failed with ${error}, reverting to ${preRestoreId}`,
  reverted: (error: string, preRestoreId: string) => `Restore failed with ${error}, reverted to ${preRestoreId}`,
  revertFailed: (error: string, preRestoreId: string, revertError: string) =>
    `Restore failed with ${error}; reverting to ${preRestoreId} failed too: ${revertError}`,
  missingFolder: (folder: string) => `The snapshot holds no ${folder}; nothing was overwritten`,
  folderElsewhere: (folder: string, was: string) =>
    `The snapshot holds ${folder} as ${was}, where it is no longer kept; restore it with DOWNLOAD_VERIFY_OVERWRITE`,
  missingDump: (db: string) => `The snapshot holds no dump of database ${db}`,
  restoringDatabase: (db: string) => `Restoring database ${db}`,
  restarting: 'Restarting the service',
  interrupted: (displayName: string, snapshotId: string, stopped: readonly string[]) =>
    `The API stopped while restoring ${displayName} from ${snapshotId}: its folders may be partly restored` +
    (stopped.length > 0 ? ` and ${stopped.join(', ')} ${stopped.length === 1 ? 'stays' : 'stay'} stopped` : '') + '; restore it again.',
  restored: 'Restore finished',
} as const;

export const RESTORE_ALL_STEPS = {
  finding: 'Finding the last autobackup session',
  noConfigurationSnapshot: 'Cannot restore, no configuration snapshot found',
  restored: (serviceId: string) => `restoring ${serviceId}`,
  rebuilding: 'rebuilding system',
} as const;
