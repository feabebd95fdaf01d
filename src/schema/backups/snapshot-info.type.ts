import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import { Service } from '../services/service.type.js';

// Backup snapshots belong to the backup area; `Service.backupSnapshots` needs the type to exist.

export enum BackupReason {
  EXPLICIT = 'EXPLICIT',
  AUTO = 'AUTO',
  PRE_RESTORE = 'PRE_RESTORE',
}
registerEnumType(BackupReason, { name: 'BackupReason' });

@ObjectType('SnapshotInfo')
export class SnapshotInfo {
  @Field(() => String) id!: string;
  @Field(() => Service) service!: Service;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => BackupReason) reason!: BackupReason;
}
