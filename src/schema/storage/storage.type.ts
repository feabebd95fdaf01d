import { Field, InputType, ObjectType } from 'type-graphql';

/** The `storage` query namespace; `volumes` has a resolver. */
@ObjectType('Storage')
export class Storage {}

@ObjectType('StorageMutations')
export class StorageMutations {}

@InputType('MigrateToBindsInput')
export class MigrateToBindsInput {
  @Field(() => String) emailBlockDevice!: string;
  @Field(() => String) bitwardenBlockDevice!: string;
  @Field(() => String) giteaBlockDevice!: string;
  @Field(() => String) nextcloudBlockDevice!: string;
  @Field(() => String) pleromaBlockDevice!: string;
}
