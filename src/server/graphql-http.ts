import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { RequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import { authenticate } from '../core/auth/device-tokens.js';
import type { Deps } from '../core/ports.js';
import type { GqlContext } from '../resolvers/context.js';
import { tokenFromRequest } from './request-token.js';

/** Apollo Server on POST /graphql; the caller is resolved once per request from its token. */
export async function createGraphqlHttp(server: Server, schema: GraphQLSchema, deps: Deps) {
  const apollo = new ApolloServer<GqlContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server })],
    formatError(formatted, error) {
      if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
      deps.logger.error('graphql resolver failed', { error: error instanceof Error ? error.stack : String(error) });
      return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
  await apollo.start();
  const middleware: RequestHandler = expressMiddleware(apollo, {
    context: async ({ req }) => ({
      deps,
      caller: await authenticate(deps, tokenFromRequest(req.headers, req.url)),
      clientKey: req.ip ?? 'unknown',
    }),
  });
  return { middleware, stop: () => apollo.stop() };
}
