import { Field, Int, InterfaceType, ObjectType } from 'type-graphql';
import { ApiJob } from './jobs/job.type.js';

@InterfaceType('MutationReturnInterface')
export abstract class MutationReturnInterface {
  @Field(() => Boolean) success!: boolean;
  @Field(() => String) message!: string;
  @Field(() => Int) code!: number;
}

@ObjectType({ implements: MutationReturnInterface })
export class GenericMutationReturn extends MutationReturnInterface {}

@ObjectType({ implements: MutationReturnInterface })
export class ApiKeyMutationReturn extends MutationReturnInterface {
  @Field(() => String, { nullable: true }) key?: string | null;
}

@ObjectType({ implements: MutationReturnInterface })
export class DeviceApiTokenMutationReturn extends MutationReturnInterface {
  @Field(() => String, { nullable: true }) token?: string | null;
}

@ObjectType({ implements: MutationReturnInterface })
export class GenericJobMutationReturn extends MutationReturnInterface {
  @Field(() => ApiJob, { nullable: true }) job?: ApiJob | null;
}
