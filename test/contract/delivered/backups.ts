// Contract types and root fields the `backups` area delivers (see ../delivered-schema.ts).
// Also Service.backupSnapshots (a field resolver of this area on the services' type).
export const backupsTypes: string[] = [
  'Backup',
  'BackupConfiguration',
  'AutobackupQuotas',
  'AutobackupQuotasInput',
  'BackupMutations',
  'BackupProvider',
  'BackupReason',
  'GenericBackupConfigReturn',
  'InitializeRepositoryInput',
  'RestoreStrategy',
  'SnapshotInfo',
];
export const backupsRootFields = {
  Query: ['backup'] as string[],
  Mutation: ['backup'] as string[],
  Subscription: [] as string[],
};
