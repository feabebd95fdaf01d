import { BackupMutationsResolver } from './backup-mutations.resolver.js';
import { BackupQueryResolver, ServiceBackupSnapshotsResolver } from './backup.resolver.js';

// The resolver classes of the `backups` area, registered in ../build-schema.ts.
export const backupsResolvers: Function[] = [BackupQueryResolver, ServiceBackupSnapshotsResolver, BackupMutationsResolver];
