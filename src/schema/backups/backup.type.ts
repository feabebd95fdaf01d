import { ObjectType, registerEnumType } from 'type-graphql';

// The `backup` query and mutation namespaces; their fields are resolvers in src/resolvers/backups/.

export enum RestoreStrategy {
  INPLACE = 'INPLACE',
  DOWNLOAD_VERIFY_OVERWRITE = 'DOWNLOAD_VERIFY_OVERWRITE',
}
registerEnumType(RestoreStrategy, { name: 'RestoreStrategy' });

@ObjectType('Backup')
export class Backup {}

@ObjectType('BackupMutations')
export class BackupMutations {}
