import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { listEmailPasswords } from '../../core/users/email-passwords.js';
import { listGroups } from '../../core/users/groups.js';
import { getUser, listUsers } from '../../core/users/users.js';
import { utcIso } from '../../core/time/iso-format.js';
import { EmailPasswordMetadata, Group, Groups, User, Users } from '../../schema/users/user.type.js';
import type { GqlContext } from '../context.js';
import { coreQuery } from '../query-error.js';
import { toUser } from './users-operations.js';

@Resolver(() => Users)
export class UsersQueriesResolver {
  @Authorized()
  @Query(() => Users)
  users(): Users {
    return new Users();
  }

  @Authorized()
  @FieldResolver(() => [User])
  allUsers(@Ctx() ctx: GqlContext): Promise<User[]> {
    return coreQuery(async () => (await listUsers(ctx.deps)).map(toUser));
  }

  @Authorized()
  @FieldResolver(() => User, { nullable: true })
  getUser(@Ctx() ctx: GqlContext, @Arg('username', () => String) username: string): Promise<User | null> {
    return coreQuery(async () => {
      const view = await getUser(ctx.deps, username);
      return view ? toUser(view) : null;
    });
  }
}

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => [EmailPasswordMetadata], { nullable: true })
  async emailPasswordMetadata(@Ctx() ctx: GqlContext, @Root() user: User): Promise<EmailPasswordMetadata[]> {
    const entries = await listEmailPasswords(ctx.deps, user.username);
    return entries.map((e) => ({
      uuid: e.uuid,
      displayName: e.displayName,
      createdAt: utcIso(e.createdAt),
      expiresAt: e.expiresAt && utcIso(e.expiresAt),
      lastUsed: e.lastUsed && utcIso(e.lastUsed),
    }));
  }
}

@Resolver(() => Groups)
export class GroupsResolver {
  @Authorized()
  @Query(() => Groups)
  groups(): Groups {
    return new Groups();
  }

  @Authorized()
  @FieldResolver(() => [Group])
  allGroups(@Ctx() ctx: GqlContext): Promise<Group[]> {
    return coreQuery(() => listGroups(ctx.deps));
  }
}
