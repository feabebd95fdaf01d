import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('Api')
export class Api {}

@ObjectType('ApiDevice')
export class ApiDevice {
  @Field(() => String) name!: string;
  @Field(() => DateTimeScalar) creationDate!: string;
  @Field(() => Boolean) isCaller!: boolean;
}

@ObjectType('ApiRecoveryKeyStatus')
export class ApiRecoveryKeyStatus {
  @Field(() => Boolean) exists!: boolean;
  @Field(() => Boolean) valid!: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) creationDate!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expirationDate!: string | null;
  @Field(() => Int, { nullable: true }) usesLeft!: number | null;
}

@ObjectType('ApiMutations')
export class ApiMutations {}

@InputType('RecoveryKeyLimitsInput')
export class RecoveryKeyLimitsInput {
  @Field(() => DateTimeScalar, { nullable: true }) expirationDate?: Date | null;
  @Field(() => Int, { nullable: true }) uses?: number | null;
}

@InputType('UseRecoveryKeyInput')
export class UseRecoveryKeyInput {
  @Field(() => String) key!: string;
  @Field(() => String) deviceName!: string;
}

@InputType('UseNewDeviceKeyInput')
export class UseNewDeviceKeyInput {
  @Field(() => String) key!: string;
  @Field(() => String) deviceName!: string;
}
