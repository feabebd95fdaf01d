import type { GraphQLResolveInfo } from 'graphql';
import { addSshKey, removeSshKey } from '../../core/ssh/ssh-keys.js';
import { deleteEmailPassword } from '../../core/users/email-passwords.js';
import { generatePasswordResetLink } from '../../core/users/password-reset.js';
import { SSH_MESSAGES, USER_MESSAGES } from '../../core/users/user-messages.js';
import type { UserView } from '../../core/users/user-types.js';
import { createUser, deleteUser, getUser, updateUser } from '../../core/users/users.js';
import type { SshMutationInput, UserMutationInput } from '../../schema/users/user-mutations.type.js';
import { type User, UserType } from '../../schema/users/user.type.js';
import type { GqlContext } from '../context.js';
import { mutationResult } from '../mutation-return.js';
import { suppliedInputField } from '../supplied-field.js';

// Each UsersMutations operation once: the namespaced field and its deprecated root twin both call these.

export function toUser(view: UserView): User {
  return { ...view, userType: UserType[view.userType] };
}

async function userOrNull(ctx: GqlContext, username: string): Promise<User | null> {
  try {
    const view = await getUser(ctx.deps, username);
    return view ? toUser(view) : null;
  } catch {
    return null;
  }
}

/**
 * The direct groups the client asked for: undefined when it did not send `directmemberof` (or sent
 * null). When the request cannot tell, an empty list counts as not sent (the contract-era rule).
 */
function requestedGroups(ctx: GqlContext, info: GraphQLResolveInfo, input: UserMutationInput): string[] | undefined {
  const supplied = suppliedInputField(info, ctx.rawVariables, 'user', 'directmemberof');
  if (supplied === undefined) return input.directmemberof?.length ? input.directmemberof : undefined;
  return supplied ? (input.directmemberof ?? undefined) : undefined;
}

function changeOf(ctx: GqlContext, info: GraphQLResolveInfo, input: UserMutationInput) {
  const { username, password, displayName } = input;
  return { username, password, displayName, groups: requestedGroups(ctx, info, input) };
}

/** A failed user mutation still shows the user as it now is (null when there is none). */
async function withUserOnFailure<T extends { success: boolean; user?: User | null }>(ctx: GqlContext, username: string, result: T) {
  return result.success ? result : { ...result, user: await userOrNull(ctx, username) };
}

export const usersOperations = {
  createUser: async (ctx: GqlContext, info: GraphQLResolveInfo, input: UserMutationInput) =>
    withUserOnFailure(
      ctx,
      input.username,
      await mutationResult(ctx.deps.logger, { code: 201, message: USER_MESSAGES.userCreated }, async () => {
        const { user, message } = await createUser(ctx.deps, changeOf(ctx, info, input));
        return { user: user && toUser(user), message };
      }),
    ),

  updateUser: async (ctx: GqlContext, info: GraphQLResolveInfo, input: UserMutationInput) =>
    withUserOnFailure(
      ctx,
      input.username,
      await mutationResult(ctx.deps.logger, { code: 200, message: USER_MESSAGES.userUpdated }, async () => {
        const { user, message } = await updateUser(ctx.deps, changeOf(ctx, info, input));
        return { user: user && toUser(user), message };
      }),
    ),

  deleteUser: (ctx: GqlContext, username: string) =>
    mutationResult(ctx.deps.logger, { code: 200, message: USER_MESSAGES.userDeleted }, async () => {
      await deleteUser(ctx.deps, username);
      return {};
    }),

  addSshKey: (ctx: GqlContext, input: SshMutationInput) =>
    mutationResult(
      ctx.deps.logger,
      { code: 201, message: SSH_MESSAGES.keyAdded },
      async () => {
        await addSshKey(ctx.deps, input.username, input.sshKey);
        return { user: await userOrNull(ctx, input.username) };
      },
      500,
    ),

  removeSshKey: (ctx: GqlContext, input: SshMutationInput) =>
    mutationResult(
      ctx.deps.logger,
      { code: 200, message: SSH_MESSAGES.keyRemoved },
      async () => {
        await removeSshKey(ctx.deps, input.username, input.sshKey);
        return { user: await userOrNull(ctx, input.username) };
      },
      500,
    ),

  generatePasswordResetLink: (ctx: GqlContext, username: string) =>
    mutationResult(ctx.deps.logger, { code: 200, message: USER_MESSAGES.resetLinkCreated }, async () => ({
      passwordResetLink: await generatePasswordResetLink(ctx.deps, username),
    })),

  deleteEmailPassword: (ctx: GqlContext, username: string, uuid: string) =>
    mutationResult(
      ctx.deps.logger,
      { code: 200, message: USER_MESSAGES.emailPasswordDeleted },
      async () => {
        await deleteEmailPassword(ctx.deps, username, uuid);
        return {};
      },
      409,
    ),
};
