import { Field, ObjectType } from 'type-graphql';

// `usages` is added by the services area (a field resolver): it lists the services stored on the volume.
@ObjectType('StorageVolume')
export class StorageVolume {
  @Field(() => String) totalSpace!: string;
  @Field(() => String) freeSpace!: string;
  @Field(() => String) usedSpace!: string;
  @Field(() => Boolean) root!: boolean;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) model!: string | null;
  @Field(() => String, { nullable: true }) serial!: string | null;
  @Field(() => String) type!: string;
}
