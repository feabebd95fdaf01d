import type { IncomingMessage, Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Caller } from '../core/auth/auth-types.js';
import { authenticate, extractToken } from '../core/auth/device-tokens.js';
import type { Deps } from '../core/ports.js';
import type { GqlContext } from '../resolvers/context.js';
import { tokenFromRequest } from './request-token.js';

type SocketExtra = { request: IncomingMessage; caller?: Caller };

/**
 * GraphQL subscriptions over WebSocket (graphql-transport-ws) on the HTTP server's /graphql.
 * The token comes from the upgrade request (header or ?token=) or the connection_init payload's
 * Authorization; without a valid one the socket is closed with 4403 Forbidden.
 */
export function attachGraphqlWebSocket(server: Server, schema: GraphQLSchema, deps: Deps) {
  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const handle = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const { request } = ctx.extra;
        const fromPayload = ctx.connectionParams?.Authorization ?? ctx.connectionParams?.authorization;
        const token =
          tokenFromRequest(request.headers, request.url) ?? extractToken(typeof fromPayload === 'string' ? fromPayload : undefined);
        const caller = await authenticate(deps, token);
        if (!caller) return false;
        ctx.extra.caller = caller;
        return true;
      },
      context: (ctx, _id, payload): GqlContext => ({
        deps,
        caller: ctx.extra.caller,
        clientKey: ctx.extra.request.socket.remoteAddress ?? 'unknown',
        rawVariables: payload.variables ?? {},
      }),
    },
    wsServer,
  );
  return {
    async close() {
      await handle.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
