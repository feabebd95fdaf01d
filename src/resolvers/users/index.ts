import {
  EmailPasswordsMetadataMutationsResolver,
  UsersMutationsResolver,
  UsersRootMutationsResolver,
} from './users-mutations.resolver.js';
import { GroupsResolver, UserResolver, UsersQueriesResolver } from './users.resolver.js';

// The resolver classes of the `users` area, registered in ../build-schema.ts.
export const usersResolvers: Function[] = [
  UsersQueriesResolver,
  UserResolver,
  GroupsResolver,
  UsersMutationsResolver,
  EmailPasswordsMetadataMutationsResolver,
  UsersRootMutationsResolver,
];
