import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('ApiJob')
export class ApiJob {
  @Field(() => String) uid!: string;
  @Field(() => String) typeId!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String) status!: string;
  @Field(() => String, { nullable: true }) statusText!: string | null;
  @Field(() => Int, { nullable: true }) progress!: number | null;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true }) result!: string | null;
}

/** The contract names the `jobs` query namespace `Job`. */
@ObjectType('Job')
export class JobQueries {}

@ObjectType('JobMutations')
export class JobMutations {}
