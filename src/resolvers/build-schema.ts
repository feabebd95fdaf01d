import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker.js';
import { authResolvers } from './auth/index.js';
import { backupsResolvers } from './backups/index.js';
import { jobsResolvers } from './jobs/index.js';
import { logsResolvers } from './logs/index.js';
import { monitoringResolvers } from './monitoring/index.js';
import { servicesResolvers } from './services/index.js';
import { storageResolvers } from './storage/index.js';
import { systemResolvers } from './system/index.js';
import { usersResolvers } from './users/index.js';

// Each area's registration list (the index.ts of its folder).
export const resolvers = [
  ...authResolvers,
  ...jobsResolvers,
  ...systemResolvers,
  ...storageResolvers,
  ...usersResolvers,
  ...servicesResolvers,
  ...logsResolvers,
  ...monitoringResolvers,
  ...backupsResolvers,
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
