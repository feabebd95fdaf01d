import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import { AUTH_MESSAGES } from '../core/auth/auth-messages.js';
import type { GqlContext } from './context.js';

export function unauthenticatedError(): GraphQLError {
  return new GraphQLError(AUTH_MESSAGES.unauthenticated, { extensions: { code: 'UNAUTHENTICATED' } });
}

/** Every @Authorized() field needs a valid device token; the reference's message and an UNAUTHENTICATED code. */
export const authChecker: AuthChecker<GqlContext> = ({ context }) => {
  if (!context.caller) throw unauthenticatedError();
  return true;
};
