import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger as Pino } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Deps } from '../core/ports.js';
import { authRestRoutes } from '../rest/auth/index.js';
import { backupsRestRoutes } from '../rest/backups/index.js';
import { jobsRestRoutes } from '../rest/jobs/index.js';
import { logsRestRoutes } from '../rest/logs/index.js';
import { EMAIL_PASSWORD_CHECK_PATH, emailPasswordCheckRouter } from '../rest/internal/index.js';
import { deferJsonParseErrors, unreadableBody } from '../rest/legacy-fields.js';
import { restAuth } from '../rest/rest-auth.js';
import { RestRegistry } from '../rest/rest-registry.js';
import { servicesRestRoutes } from '../rest/services/index.js';
import { sshRestRoutes } from '../rest/ssh/index.js';
import { systemRestRoutes } from '../rest/system/index.js';
import { PASSWORD_RESET_PATH, passwordResetBodies, passwordResetRouter, usersRestRoutes } from '../rest/users/index.js';
import { accessLog } from './access-log.js';
import { corsMiddleware, simpleCorsHeaders } from './cors.js';
import { frontDoor } from './front-door.js';
import { createGraphqlHttp } from './graphql-http.js';
import { errorHandler, notFound } from './http-errors.js';

export function restRegistry(): RestRegistry {
  // One route list per area (the index.ts of its folder under src/rest/).
  return new RestRegistry().add(...authRestRoutes, ...systemRestRoutes, ...usersRestRoutes, ...sshRestRoutes, ...servicesRestRoutes, ...jobsRestRoutes, ...logsRestRoutes, ...backupsRestRoutes);
}

export interface AppOptions {
  trustProxy: string;
  accessLog: Pino;
}

// Paths served before the token check or by their own routers: never taken past the express app.
const ONLY_THROUGH_THE_APP = [PASSWORD_RESET_PATH, EMAIL_PASSWORD_CHECK_PATH, '/healthz', '/api/swagger.json', '/api/docs', '/graphql'];

/**
 * The one express app: health, legacy REST (with its OpenAPI document) and GraphQL over HTTP; and
 * `handle`, the HTTP server's request handler: the access log for every request, then GraphQL and the
 * legacy paths without parameters through the same steps as in the app (front-door.ts), the rest through the app.
 */
export async function createApp(server: Server, schema: GraphQLSchema, deps: Deps, options: AppOptions) {
  const registry = restRegistry();
  const graphql = await createGraphqlHttp(server, schema, deps);
  const openApi = registry.openApiDocument();
  const jsonBody = deferJsonParseErrors(express.json({ limit: '1mb' }));
  const formBody = express.urlencoded({ extended: false });
  const tokenCheck = restAuth(deps);
  const graphqlBody = (req: Request, _res: Response, next: NextFunction) => next(unreadableBody(req));
  const errors = errorHandler(deps.logger);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.use(corsMiddleware());
  app.use(PASSWORD_RESET_PATH, passwordResetBodies());
  app.use(jsonBody, formBody);
  app.get('/healthz', async (_req, res) => {
    try {
      await deps.database.ping();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', error: 'The database does not answer' });
    }
  });
  app.use(emailPasswordCheckRouter(deps)); // before the token check: it has none, only loopback callers
  app.use(tokenCheck);
  app.get('/api/swagger.json', (_req, res) => {
    res.json(openApi);
  });
  app.use('/api/docs', swaggerUi.serve, swaggerUi.setup(openApi));
  app.use('/graphql', graphqlBody, graphql.handle);
  app.use(passwordResetRouter(deps));
  app.use(registry.router(deps));
  app.use(notFound(registry));
  app.use(errors);
  const exact = new Map<string, RequestHandler[]>();
  for (const [key, handler] of registry.exactHandlers(deps)) {
    const path = key.slice(key.indexOf(' ') + 1);
    if (ONLY_THROUGH_THE_APP.some((prefix) => path.startsWith(prefix))) continue;
    exact.set(key, [simpleCorsHeaders, jsonBody, formBody, tokenCheck, handler]);
  }
  const handle = frontDoor({ app, always: accessLog(options.accessLog), graphql: [simpleCorsHeaders, jsonBody, formBody, graphqlBody, graphql.handle], exact, errors });
  return { app, handle, stop: graphql.stop };
}
