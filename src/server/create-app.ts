import type { Server } from 'node:http';
import cors from 'cors';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger as Pino } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Deps } from '../core/ports.js';
import { authRestRoutes } from '../rest/auth/index.js';
import { backupsRestRoutes } from '../rest/backups/index.js';
import { jobsRestRoutes } from '../rest/jobs/index.js';
import { logsRestRoutes } from '../rest/logs/index.js';
import { emailPasswordCheckRouter } from '../rest/internal/index.js';
import { deferJsonParseErrors, unreadableBody } from '../rest/legacy-fields.js';
import { restAuth } from '../rest/rest-auth.js';
import { RestRegistry } from '../rest/rest-registry.js';
import { servicesRestRoutes } from '../rest/services/index.js';
import { sshRestRoutes } from '../rest/ssh/index.js';
import { systemRestRoutes } from '../rest/system/index.js';
import { PASSWORD_RESET_PATH, passwordResetBodies, passwordResetRouter, usersRestRoutes } from '../rest/users/index.js';
import { accessLog } from './access-log.js';
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

/** The one express app: health, legacy REST (with its OpenAPI document) and GraphQL over HTTP. */
export async function createApp(server: Server, schema: GraphQLSchema, deps: Deps, options: AppOptions) {
  const registry = restRegistry();
  const graphql = await createGraphqlHttp(server, schema, deps);
  const openApi = registry.openApiDocument();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.use(accessLog(options.accessLog));
  app.use(cors({ origin: true, credentials: true }));
  app.use(PASSWORD_RESET_PATH, passwordResetBodies());
  app.use(deferJsonParseErrors(express.json({ limit: '1mb' })), express.urlencoded({ extended: false }));
  app.get('/healthz', async (_req, res) => {
    try {
      await deps.database.ping();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', error: 'The database does not answer' });
    }
  });
  app.use(emailPasswordCheckRouter(deps)); // before the token check: it has none, only loopback callers
  app.use(restAuth(deps));
  app.get('/api/swagger.json', (_req, res) => {
    res.json(openApi);
  });
  app.use('/api/docs', swaggerUi.serve, swaggerUi.setup(openApi));
  app.use('/graphql', (req, _res, next) => next(unreadableBody(req)), graphql.middleware);
  app.use(passwordResetRouter(deps));
  app.use(registry.router(deps));
  app.use(notFound(registry));
  app.use(errorHandler(deps.logger));
  return { app, stop: graphql.stop };
}
