import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Mutation, Resolver } from 'type-graphql';
import { GenericMutationReturn } from '../../schema/mutation-return.type.js';
import {
  EmailPasswordsMetadataMutations,
  PasswordResetLinkReturn,
  SshMutationInput,
  UserMutationInput,
  UserMutationReturn,
  UsersMutations,
} from '../../schema/users/user-mutations.type.js';
import type { GqlContext } from '../context.js';
import { usersOperations as ops } from './users-operations.js';

@Resolver(() => UsersMutations)
export class UsersMutationsResolver {
  @Authorized()
  @Mutation(() => UsersMutations)
  users(): UsersMutations {
    return new UsersMutations();
  }

  @Authorized()
  @FieldResolver(() => UserMutationReturn)
  createUser(@Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo, @Arg('user', () => UserMutationInput) user: UserMutationInput) {
    return ops.createUser(ctx, info, user);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  deleteUser(@Ctx() ctx: GqlContext, @Arg('username', () => String) username: string) {
    return ops.deleteUser(ctx, username);
  }

  @Authorized()
  @FieldResolver(() => UserMutationReturn)
  updateUser(@Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo, @Arg('user', () => UserMutationInput) user: UserMutationInput) {
    return ops.updateUser(ctx, info, user);
  }

  @Authorized()
  @FieldResolver(() => UserMutationReturn)
  addSshKey(@Ctx() ctx: GqlContext, @Arg('sshInput', () => SshMutationInput) sshInput: SshMutationInput) {
    return ops.addSshKey(ctx, sshInput);
  }

  @Authorized()
  @FieldResolver(() => UserMutationReturn)
  removeSshKey(@Ctx() ctx: GqlContext, @Arg('sshInput', () => SshMutationInput) sshInput: SshMutationInput) {
    return ops.removeSshKey(ctx, sshInput);
  }

  @Authorized()
  @FieldResolver(() => PasswordResetLinkReturn)
  generatePasswordResetLink(@Ctx() ctx: GqlContext, @Arg('username', () => String) username: string) {
    return ops.generatePasswordResetLink(ctx, username);
  }
}

@Resolver(() => EmailPasswordsMetadataMutations)
export class EmailPasswordsMetadataMutationsResolver {
  @Authorized()
  @Mutation(() => EmailPasswordsMetadataMutations)
  emailPasswordMetadataMutations(): EmailPasswordsMetadataMutations {
    return new EmailPasswordsMetadataMutations();
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  deleteEmailPassword(
    @Ctx() ctx: GqlContext,
    @Arg('username', () => String) username: string,
    @Arg('uuid', () => String) uuid: string,
  ) {
    return ops.deleteEmailPassword(ctx, username, uuid);
  }
}

const deprecated = (name: string) => ({ deprecationReason: `Use \`users.${name}\` instead` });

/** The deprecated root-level twins of UsersMutations: same operations, same auth rules. */
@Resolver()
export class UsersRootMutationsResolver {
  @Authorized()
  @Mutation(() => UserMutationReturn, deprecated('create_user'))
  createUser(@Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo, @Arg('user', () => UserMutationInput) user: UserMutationInput) {
    return ops.createUser(ctx, info, user);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('delete_user'))
  deleteUser(@Ctx() ctx: GqlContext, @Arg('username', () => String) username: string) {
    return ops.deleteUser(ctx, username);
  }

  @Authorized()
  @Mutation(() => UserMutationReturn, deprecated('update_user'))
  updateUser(@Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo, @Arg('user', () => UserMutationInput) user: UserMutationInput) {
    return ops.updateUser(ctx, info, user);
  }

  @Authorized()
  @Mutation(() => UserMutationReturn, deprecated('add_ssh_key'))
  addSshKey(@Ctx() ctx: GqlContext, @Arg('sshInput', () => SshMutationInput) sshInput: SshMutationInput) {
    return ops.addSshKey(ctx, sshInput);
  }

  @Authorized()
  @Mutation(() => UserMutationReturn, deprecated('remove_ssh_key'))
  removeSshKey(@Ctx() ctx: GqlContext, @Arg('sshInput', () => SshMutationInput) sshInput: SshMutationInput) {
    return ops.removeSshKey(ctx, sshInput);
  }
}
