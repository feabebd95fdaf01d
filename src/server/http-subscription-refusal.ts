import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * A subscription only runs over WebSocket: executed over HTTP, its resolvers would see no event
 * and fail as internal errors. Refused once the operation is known, before anything runs
 * (called from the GraphQL server's request hooks, graphql-http.ts).
 */
export async function refuseSubscriptionOverHttp({ operation }: Pick<GraphQLRequestContextDidResolveOperation<object>, 'operation'>): Promise<void> {
  if (operation?.operation !== 'subscription') return;
  throw new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql, not over HTTP', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}
