import { Field, InputType, Int } from 'type-graphql';

@InputType('AutobackupQuotasInput')
export class AutobackupQuotasInput {
  @Field(() => Int) last!: number;
  @Field(() => Int) daily!: number;
  @Field(() => Int) weekly!: number;
  @Field(() => Int) monthly!: number;
  @Field(() => Int) yearly!: number;
}
