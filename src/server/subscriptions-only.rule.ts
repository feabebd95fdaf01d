import { GraphQLError, type ValidationRule } from 'graphql';

export const SUBSCRIPTIONS_ONLY_MESSAGE =
  'Only subscriptions are served over WebSocket: send queries and mutations with HTTP POST /graphql';

/**
 * The socket carries subscriptions only (what the app uses it for): queries and mutations go
 * through HTTP, where each request is authenticated, limited and logged on its own.
 */
export const subscriptionsOnlyRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'subscription') context.reportError(new GraphQLError(SUBSCRIPTIONS_ONLY_MESSAGE, { nodes: node }));
  },
});
