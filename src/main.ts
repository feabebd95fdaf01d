import { loadConfig } from './config.js';
import { restrictNewFilesToOwner } from './infra/files/owner-only.js';
import { startServer } from './server/start-server.js';

restrictNewFilesToOwner(); // first of all: loading the modules above writes nothing

// Longer than an orderly stop takes (requests drain, sockets close, jobs settle), well under a supervisor's
// patience (systemd waits 90 s). Work cut short here is settled at the next start, as after a crash.
const SHUTDOWN_DEADLINE_MS = 15_000;

try {
  const server = await startServer(loadConfig());
  const { logger } = server.runtime.deps;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal during shutdown: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal });
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting anyway', { deadlineMs: SHUTDOWN_DEADLINE_MS });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
