import type { Server } from 'node:http';
import { parse as urlParse } from 'node:url';
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { Request, Response } from 'express';
import { type DocumentNode, GraphQLError, type GraphQLSchema } from 'graphql';
import { authenticate } from '../core/auth/device-tokens.js';
import type { Deps } from '../core/ports.js';
import type { GqlContext } from '../resolvers/context.js';
import { TOO_DEEP_TO_PARSE, asksForIntrospection, costLimitRule, limitedParseOptions } from './graphql-limits.js';
import { refuseSubscriptionOverHttp } from './http-subscription-refusal.js';
import { tokenFromRequest } from './request-token.js';

// Apollo keeps each parsed and validated document in its document store and hands the same object back
// for the same query text: whether it asks for the schema is worked out once per document.
const introspectionAsked = new WeakMap<DocumentNode, boolean>();

function asksForIntrospectionOnce(document: DocumentNode): boolean {
  let asks = introspectionAsked.get(document);
  if (asks === undefined) introspectionAsked.set(document, (asks = asksForIntrospection(document)));
  return asks;
}

/**
 * Our request hooks, in one plugin (one object of hooks per request):
 * - the schema is described to authenticated callers only (Apollo's own switch is all or nothing);
 * - a subscription over HTTP is refused (http-subscription-refusal.ts);
 * - the reference answers variable-coercion errors (an unknown enum value, an unparsable DateTime)
 *   with HTTP 200 and `data: null` (spec §1.1, §2.3); Apollo 5 answers 400 without `data`;
 * - `Cache-Control: no-store`, as Apollo's cache-control plugin sets it on every response it completes
 *   when no field has a cache hint (none has one here). That plugin is not installed: it hooks every
 *   field's resolution, which makes Apollo wrap every resolver of the schema.
 */
const requestHooks: ApolloServerPlugin<GqlContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation(requestContext) {
        const { contextValue, document } = requestContext;
        if (!contextValue.caller && asksForIntrospectionOnce(document)) {
          throw new GraphQLError('Introspection is available to authenticated callers only.', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        }
        await refuseSubscriptionOverHttp(requestContext);
      },
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
        if (response.http.status !== 400 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const errors = result.errors ?? [];
        if (result.data !== undefined || errors.length === 0) return;
        if (!errors.every((e) => e.extensions?.code === ApolloServerErrorCode.BAD_USER_INPUT)) return;
        response.http.status = 200;
        result.data = null;
      },
    };
  },
};

/**
 * Apollo Server for GraphQL over HTTP; the caller is resolved once per request from its token.
 * `handle` does what Apollo's express integration did, on a request whose body express's parsers have read.
 */
export async function createGraphqlHttp(server: Server, schema: GraphQLSchema, deps: Deps) {
  const apollo = new ApolloServer<GqlContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // limits checked before execution (graphql-limits.ts); introspection gated per caller below
    parseOptions: limitedParseOptions,
    validationRules: [costLimitRule],
    introspection: true,
    // src/main.ts owns SIGINT and SIGTERM. Apollo's own handlers (installed unless NODE_ENV is "test") would
    // stop it alongside, then send the signal again, which main.ts takes for a second one: exit 1 at once.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      requestHooks,
      // Apollo's defaults, chosen here rather than by NODE_ENV: the landing page it would pick; no
      // cache-control plugin (requestHooks sets its header); no inline traces (this schema is no subgraph).
      process.env.NODE_ENV === 'production' ? ApolloServerPluginLandingPageProductionDefault() : ApolloServerPluginLandingPageLocalDefault(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
    formatError(formatted, error) {
      // graphql's parser recurses per nesting level; Apollo passes the stack overflow's own wording on
      if (formatted.extensions?.code === ApolloServerErrorCode.GRAPHQL_PARSE_FAILED && isStackOverflow(error)) return { ...formatted, message: TOO_DEEP_TO_PARSE };
      if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
      if (refusedWithClientStatus(error)) return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_REQUEST' } };
      deps.logger.error('graphql resolver failed', { error: error instanceof Error ? error.stack : String(error) });
      return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
  await apollo.start();
  const handle = async (req: Request, res: Response): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: searchOf(req.url), body: req.body },
      context: async () => ({
        deps,
        caller: await authenticate(deps, tokenFromRequest(req.headers, req.url)),
        clientKey: req.ip ?? 'unknown',
        rawVariables: rawVariablesOf(req.body),
      }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status || 200;
    if (response.body.kind === 'complete') {
      const body = response.body.string;
      const type = res.getHeader('content-type');
      if (req.method !== 'POST' || typeof type !== 'string' || !type.includes('charset=')) {
        res.send(body); // express's send: charset, length, ETag, 304 for a fresh GET
        return;
      }
      // A POST is never answered 304, so its answer carries no ETag (a digest of every body): only its length
      res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return { handle, stop: () => apollo.stop() };
}

/**
 * Apollo's own refusals of a malformed envelope (an unsupported persisted-query version ...) carry
 * a 4xx status but no code, which Apollo reports as INTERNAL_SERVER_ERROR: they are the client's.
 */
function refusedWithClientStatus(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | undefined)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function isStackOverflow(error: unknown): boolean {
  const original = (error as { originalError?: unknown } | undefined)?.originalError ?? error;
  return original instanceof RangeError || (error instanceof Error && /Maximum call stack size exceeded/.test(error.message));
}

/**
 * The query string as url.parse gives it. Without a fragment that is the text from `?` on; url.parse
 * also percent-escapes a few characters there, which Apollo's URLSearchParams decodes back the same.
 */
function searchOf(url: string): string {
  if (url.includes('#')) return urlParse(url).search ?? '';
  const queryStart = url.indexOf('?');
  return queryStart < 0 ? '' : url.slice(queryStart);
}

function rawVariablesOf(body: unknown): Record<string, unknown> | undefined {
  const variables = (body as { variables?: unknown } | undefined)?.variables;
  return variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : {};
}
