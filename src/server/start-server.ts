import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { openRuntime, type Runtime } from '../compose.js';
import { ensureInitialToken } from '../core/auth/device-tokens.js';
import { makeOwnerOnly } from '../infra/files/owner-only.js';
import { createPino, toLogger } from '../infra/runtime/pino-logger.js';
import { buildApiSchema } from '../resolvers/build-schema.js';
import { createApp } from './create-app.js';
import { serveControlRequests } from './control-requests.js';
import { appHttpClasses } from './front-door.js';
import { attachGraphqlWebSocket } from './graphql-ws.js';

export interface RunningServer {
  url: string;
  port: number;
  runtime: Runtime;
  close(): Promise<void>;
}

/** Starts the API: database, ports, REST + GraphQL on one HTTP server, WebSocket subscriptions. */
export async function startServer(config: Config): Promise<RunningServer> {
  const pino = createPino(config.logLevel);
  const logger = toLogger(pino);
  const runtime = await openRuntime(config, logger, { maintenance: true });
  const { deps } = runtime;
  // Before serving: what an older version left open, and the files the embedded database's initialisation
  // writes world-writable whatever the umask.
  const opened = await makeOwnerOnly(config.dataDir);
  if (opened > 0) logger.info('made entries of DATA_DIR owner-only', { dataDir: config.dataDir, entries: opened });
  const initial = await ensureInitialToken(deps);
  if (initial) {
    const file = join(config.dataDir, 'initial-token');
    await writeFile(file, `${initial.token}\n`, { mode: 0o600 });
    logger.info('created the first device token; it is in this file (readable only by its owner)', { file });
  }
  // The CLI's requests are served from here on, while the schema is built and HTTP starts.
  const control = serveControlRequests(deps);
  runtime.controlSocket?.serve(control.handle);
  const schema = await buildApiSchema();
  const http = appHttpClasses();
  const server = createServer({ IncomingMessage: http.IncomingMessage, ServerResponse: http.ServerResponse });
  const { app, handle, stop } = await createApp(server, schema, deps, { trustProxy: config.trustProxy, accessLog: pino });
  http.adopt(app); // requests are created with the app's prototypes from here on
  server.on('request', handle);
  const sockets = attachGraphqlWebSocket(server, schema, deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info('API listening', { url, host: config.hostKind, database: runtime.database.description });
  return {
    url,
    port,
    runtime,
    /** Refuses new connections, closes WebSockets (1001), lets in-flight requests finish, then settles jobs and the database. */
    async close() {
      server.close(); // stop listening at once; the drain in stop() waits for the connections still open
      await control.stop(); // CLI commands under way finish while the database is open
      await sockets.close();
      await stop();
      await runtime.close();
    },
  };
}
