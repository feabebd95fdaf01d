import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type FormattedExecutionResult, GraphQLError, type GraphQLSchema, specifiedRules } from 'graphql';
import { type Context, makeServer } from 'graphql-ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Caller } from '../core/auth/auth-types.js';
import { authenticate, extractToken } from '../core/auth/device-tokens.js';
import { revocationKey } from '../core/auth/token-revocation.js';
import type { Deps } from '../core/ports.js';
import type { GqlContext } from '../resolvers/context.js';
import { depthLimitedReviver } from './depth-limited-reviver.js';
import { checkOperation } from './graphql-limits.js';
import { PendingSockets } from './pending-sockets.js';
import { tokenFromRequest } from './request-token.js';
import { type SocketExtra as Extra, serveGraphqlWs } from './graphql-ws-sockets.js';
import { encodedPayload, payloadReplacer, subscribeShared } from './shared-subscriptions.js';
import { FORBIDDEN_CLOSE_CODE, SocketsByToken } from './sockets-by-token.js';
import { subscriptionsOnlyRule } from './subscriptions-only.rule.js';
import { createUpgradeGate } from './websocket-upgrade.js';

// The app's messages are a few hundred bytes; ws would otherwise buffer up to 100 MiB per message.
// A larger frame closes the socket with 1009 as soon as its header announces the length.
const MAX_MESSAGE_BYTES = 64 * 1024;
// The app's messages nest a few levels (variables included); far deeper ones are refused (4400).
const MAX_MESSAGE_DEPTH = 32;
// A socket that has not sent connection_init by then is closed (4408).
const CONNECTION_INIT_TIMEOUT_MS = 3_000;
// Sockets still waiting for connection_init, on the whole server and from one client address.
const MAX_PENDING_SOCKETS = 64;
const MAX_PENDING_SOCKETS_PER_ADDRESS = 8;
// The app runs one or two subscriptions per socket; each running one holds a pub/sub queue.
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 16;
// Documents kept parsed and validated (the app sends a handful of distinct ones).
const MAX_CHECKED_DOCUMENTS = 64;
// How long close() waits for clients to answer the 1001 before cutting them off.
const CLOSE_GRACE_MS = 1_000;

type SocketExtra = Extra & { caller?: Caller };
type SocketContext = Context<Record<string, unknown> | undefined, SocketExtra>;

const validationRules = [...specifiedRules, subscriptionsOnlyRule];

/**
 * GraphQL subscriptions over WebSocket (graphql-transport-ws) on the HTTP server's /graphql.
 * The token comes from the upgrade request (header or ?token=, refused with 401 there when invalid)
 * or the connection_init payload's Authorization; without a valid one the socket is closed with 4403.
 * A socket closes with 4403 as soon as its token is revoked in any process, and its caller is
 * checked again before each operation.
 */
export function attachGraphqlWebSocket(server: Server, schema: GraphQLSchema, deps: Deps) {
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const pending = new PendingSockets(MAX_PENDING_SOCKETS, MAX_PENDING_SOCKETS_PER_ADDRESS);
  const openSockets = new SocketsByToken();
  const stopFollowingRevocations = openSockets.followRevocations(deps.pubsub);
  const checkedDocuments = new RecentResults<ReturnType<typeof checkOperation>>(MAX_CHECKED_DOCUMENTS);

  const protocol = makeServer<Record<string, unknown> | undefined, SocketExtra>({
    schema,
    connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
    jsonMessageReviver: depthLimitedReviver(MAX_MESSAGE_DEPTH),
    onConnect: async (ctx) => {
      pending.release(ctx.extra.request);
      const token = socketToken(ctx);
      if (!token) return false;
      // Registered before the lookup, so a revocation announced meanwhile still finds the socket.
      openSockets.add(revocationKey(token), ctx.extra.socket);
      const caller = await authenticate(deps, token);
      if (!caller) return false;
      ctx.extra.caller = caller;
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      // Counted before any await, so in arrival order: graphql-ws has already registered this
      // operation among the socket's running ones.
      if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
        return [new GraphQLError(`Too many subscriptions on this socket: at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} may run at once`)];
      }
      const caller = ctx.extra.caller && (await authenticate(deps, ctx.extra.caller.token));
      if (!caller) {
        ctx.extra.socket.close(FORBIDDEN_CLOSE_CODE, 'Forbidden');
        return [new GraphQLError('Forbidden')];
      }
      // parsed within the token limit and validated with the cost limits (graphql-limits.ts), once per
      // document text: sockets sending the same document share it, and so its events' results
      const checked = checkedDocuments.get(payload.query, () => checkOperation(schema, { query: payload.query }, validationRules));
      if (Array.isArray(checked)) return checked;
      return { ...checked, operationName: payload.operationName, variableValues: payload.variables };
    },
    context: (ctx, _id, payload): GqlContext => ({
      deps,
      caller: ctx.extra.caller,
      clientKey: ctx.extra.request.socket.remoteAddress ?? 'unknown',
      rawVariables: payload.variables ?? {},
    }),
    // each event executed once per (document, variables) and its payload serialised once, for all subscribers
    subscribe: subscribeShared,
    // (graphql-ws writes the hook's answer as the payload; payloadReplacer puts the encoded text there)
    onNext: (_ctx, _id, _payload, _args, result) => encodedPayload(result) as unknown as FormattedExecutionResult,
    jsonMessageReplacer: payloadReplacer,
  });
  const handle = serveGraphqlWs(wsServer, protocol, (socket, request) => ({ socket, request }), deps.logger);

  const gate = createUpgradeGate({
    path: '/graphql',
    wsServer,
    pending,
    deps,
    onSocket: (socket, request) => {
      wsServer.emit('connection', socket, request);
      quietProtocolErrors(socket, deps);
    },
  });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => void gate.admit(request, socket, head);
  server.on('upgrade', onUpgrade);

  return {
    /** Refuses new sockets, closes open ones with 1001 (going away) and waits briefly for them to go. */
    async close() {
      gate.shut();
      server.off('upgrade', onUpgrade);
      await stopFollowingRevocations();
      const open = [...wsServer.clients];
      // dispose() sends 1001 to every client at once, then waits until all are gone: for a client that never
      // answers, ws would wait 30 s. Those still open after the grace are cut off, which ends the wait.
      const disposed = handle.dispose();
      await closedWithin(open, CLOSE_GRACE_MS);
      await disposed;
    },
  };
}

/** The token a socket presents: the upgrade request's, else the connection_init payload's Authorization. */
function socketToken(ctx: SocketContext): string | undefined {
  const { request } = ctx.extra;
  const fromPayload = ctx.connectionParams?.Authorization ?? ctx.connectionParams?.authorization;
  return tokenFromRequest(request.headers, request.url) ?? extractToken(typeof fromPayload === 'string' ? fromPayload : undefined);
}

/**
 * ws already closes the socket with the right code on a protocol error (1009 for an oversized
 * message); graphql-ws would also print each one with its stack on stderr, which a client could flood.
 */
function quietProtocolErrors(socket: WebSocket, deps: Pick<Deps, 'logger'>): void {
  socket.removeAllListeners('error');
  socket.on('error', (err) => deps.logger.info('WebSocket protocol error; socket closed', { error: err.message }));
}

async function closedWithin(sockets: WebSocket[], ms: number): Promise<void> {
  const closed = sockets.map((s) => (s.readyState === s.CLOSED ? undefined : new Promise((r) => s.once('close', r))));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
  for (const socket of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
}

/** The results of a pure function of a string, the most recently used `capacity` of them. */
class RecentResults<T> {
  private readonly results = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(key: string, compute: () => T): T {
    const known = this.results.get(key);
    if (known !== undefined) {
      this.results.delete(key);
      this.results.set(key, known);
      return known;
    }
    const result = compute();
    this.results.set(key, result);
    if (this.results.size > this.capacity) this.results.delete(this.results.keys().next().value!);
    return result;
  }
}
