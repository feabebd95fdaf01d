import { parseArgs } from 'node:util';
import { openRuntime } from './compose.js';
import { loadConfig } from './config.js';
import { createDeviceToken } from './core/auth/device-tokens.js';
import type { Logger } from './core/ports.js';
import { naiveLocalIso } from './core/time/iso-format.js';
import { makeOwnerOnly, restrictNewFilesToOwner } from './infra/files/owner-only.js';

restrictNewFilesToOwner(); // first of all: loading the modules above writes nothing

const USAGE = `Usage:
  npm run --silent cli -- tokens create --name NAME   print a new device token (only the token)
  npm run --silent cli -- tokens list                 list paired devices
Uses the same DATA_DIR / DATABASE_URL as the server.`;

// Logs go to stderr so that stdout carries only the command's answer.
const stderrLogger: Logger = {
  info: () => {},
  warn: (msg) => console.error(msg),
  error: (msg) => console.error(msg),
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' } } });
  const [area, command] = positionals;
  if (area !== 'tokens' || (command !== 'create' && command !== 'list')) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'create' && !values.name) {
    console.error('tokens create needs --name NAME');
    return 2;
  }
  const config = loadConfig();
  const runtime = await openRuntime(config, stderrLogger, { maintenance: false });
  await makeOwnerOnly(config.dataDir); // what an older version, or the database's initialisation, left open
  try {
    if (command === 'create') {
      const { token } = await createDeviceToken(runtime.deps, values.name!);
      process.stdout.write(`${token}\n`);
    } else {
      for (const device of await runtime.deps.tokens.list()) {
        process.stdout.write(`${device.name}\t${naiveLocalIso(device.createdAt)}\n`);
      }
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
