import { loadConfig } from './config.js';
import { restrictNewFilesToOwner } from './infra/files/owner-only.js';
import { startServer } from './server/start-server.js';

restrictNewFilesToOwner(); // first of all: loading the modules above writes nothing

try {
  const server = await startServer(loadConfig());
  const shutdown = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
