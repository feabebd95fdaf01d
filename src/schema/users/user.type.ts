import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

export enum UserType {
  NORMAL = 'NORMAL',
  PRIMARY = 'PRIMARY',
  ROOT = 'ROOT',
}
registerEnumType(UserType, { name: 'UserType' });

@ObjectType('EmailPasswordMetadata')
export class EmailPasswordMetadata {
  @Field(() => String) uuid!: string;
  @Field(() => String) displayName!: string;
  @Field(() => DateTimeScalar, { nullable: true }) createdAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastUsed!: string | null;
}

@ObjectType('User')
export class User {
  @Field(() => String) username!: string;
  @Field(() => UserType) userType!: UserType;
  @Field(() => [String], { nullable: true }) sshKeys!: string[] | null;
  @Field(() => [String], { nullable: true }) directmemberof!: string[] | null;
  @Field(() => [String], { nullable: true }) memberof!: string[] | null;
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
  // resolved by UserResolver.emailPasswordMetadata
}

@ObjectType('Users')
export class Users {}

@ObjectType('Group')
export class Group {
  @Field(() => String) name!: string;
  @Field(() => [String], { nullable: true }) groupClass!: string[] | null;
  @Field(() => [String], { nullable: true }) member!: string[] | null;
  @Field(() => [String], { nullable: true }) memberof!: string[] | null;
  @Field(() => [String], { nullable: true }) directmemberof!: string[] | null;
  @Field(() => String, { nullable: true }) spn!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
}

@ObjectType('Groups')
export class Groups {}
