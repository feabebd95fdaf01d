import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MutationReturnInterface } from '../mutation-return.type.js';

export enum BackupProvider {
  BACKBLAZE = 'BACKBLAZE',
  NONE = 'NONE',
  MEMORY = 'MEMORY',
  FILE = 'FILE',
}
registerEnumType(BackupProvider, { name: 'BackupProvider' });

@ObjectType('AutobackupQuotas')
export class AutobackupQuotas {
  @Field(() => Int) last!: number;
  @Field(() => Int) daily!: number;
  @Field(() => Int) weekly!: number;
  @Field(() => Int) monthly!: number;
  @Field(() => Int) yearly!: number;
}

@ObjectType('BackupConfiguration')
export class BackupConfiguration {
  @Field(() => BackupProvider) provider!: BackupProvider;
  @Field(() => String) encryptionKey!: string;
  @Field(() => Boolean) isInitialized!: boolean;
  @Field(() => Int, { nullable: true }) autobackupPeriod!: number | null;
  @Field(() => AutobackupQuotas) autobackupQuotas!: AutobackupQuotas;
  @Field(() => String, { nullable: true }) locationName!: string | null;
  @Field(() => String, { nullable: true }) locationId!: string | null;
}

@ObjectType({ implements: MutationReturnInterface })
export class GenericBackupConfigReturn extends MutationReturnInterface {
  @Field(() => BackupConfiguration, { nullable: true }) configuration?: BackupConfiguration | null;
}
