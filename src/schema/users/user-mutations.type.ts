import { Field, InputType, ObjectType } from 'type-graphql';
import { MutationReturnInterface } from '../mutation-return.type.js';
import { User } from './user.type.js';

@ObjectType('UsersMutations')
export class UsersMutations {}

@ObjectType('EmailPasswordsMetadataMutations')
export class EmailPasswordsMetadataMutations {}

// `directmemberof` keeps the contract's `= []` default; whether the client really sent it is read
// from the request (see supplied-field.ts).
@InputType('UserMutationInput')
export class UserMutationInput {
  @Field(() => String) username!: string;
  @Field(() => [String], { nullable: true, defaultValue: [] }) directmemberof?: string[] | null;
  @Field(() => String, { nullable: true, defaultValue: null }) password?: string | null;
  @Field(() => String, { nullable: true, defaultValue: null }) displayName?: string | null;
}

@InputType('SshMutationInput')
export class SshMutationInput {
  @Field(() => String) username!: string;
  @Field(() => String) sshKey!: string;
}

@ObjectType({ implements: MutationReturnInterface })
export class UserMutationReturn extends MutationReturnInterface {
  @Field(() => User, { nullable: true }) user?: User | null;
}

@ObjectType({ implements: MutationReturnInterface })
export class PasswordResetLinkReturn extends MutationReturnInterface {
  @Field(() => String, { nullable: true }) passwordResetLink?: string | null;
}
