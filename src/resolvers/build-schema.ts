import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ApiMutationsResolver, ApiResolver, ApiRootMutationsResolver } from './api.resolver.js';
import { authChecker } from './auth-checker.js';
import { JobMutationsResolver, JobQueriesResolver, JobRootResolver } from './jobs.resolver.js';
import { servicesResolvers } from './services.resolvers.js';
import { storageResolvers } from './storage.resolvers.js';
import { systemResolvers } from './system.resolvers.js';
import { usersResolvers } from './users.resolvers.js';

export const resolvers = [
  ApiResolver,
  ApiMutationsResolver,
  ApiRootMutationsResolver,
  JobQueriesResolver,
  JobMutationsResolver,
  JobRootResolver,
  ...systemResolvers,
  ...storageResolvers,
  ...usersResolvers,
  ...servicesResolvers,
] as unknown as [Function, ...Function[]];

// Every subscription brings its own `subscribe` (fed by the core's pub/sub port); type-graphql
// still insists on a topic pub/sub, which must never be reached.
const noTopicPubSub = {
  publish(): void {
    throw new Error('subscriptions use their own subscribe function, not type-graphql topics');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('subscriptions use their own subscribe function, not type-graphql topics');
  },
};

/** The executable schema both GraphQL transports (HTTP and WebSocket) serve. */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers, authChecker, validate: false, pubSub: noTopicPubSub });
}
