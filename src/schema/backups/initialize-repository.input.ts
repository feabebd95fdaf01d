import { Field, InputType } from 'type-graphql';
import { BackupProvider } from './backup-configuration.type.js';

@InputType('InitializeRepositoryInput')
export class InitializeRepositoryInput {
  @Field(() => BackupProvider) provider!: BackupProvider;
  @Field(() => String) locationId!: string;
  @Field(() => String) locationName!: string;
  @Field(() => String) login!: string;
  @Field(() => String) password!: string;
  @Field(() => String, { nullable: true, defaultValue: null }) localSecret?: string | null;
}
