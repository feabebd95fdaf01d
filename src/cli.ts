import { join } from 'node:path';
import { askHolder } from './cli/control-client.js';
import { UsageError, findCommand, usageText } from './cli/commands.js';
import { type CommandAnswer, runCommand, usageFailure } from './cli/run-command.js';
import { openRuntime } from './compose.js';
import { type Config, loadConfig } from './config.js';
import type { Logger } from './core/ports.js';
import { CONTROL_SOCKET, DataDirInUseError } from './infra/db/data-dir-lock.js';
import { makeOwnerOnly, restrictNewFilesToOwner } from './infra/files/owner-only.js';

restrictNewFilesToOwner(); // first of all: loading the modules above writes nothing

const HELP = new Set(['--help', '-h', 'help']);

// Logs go to stderr so that stdout carries only the command's answer.
const stderrLogger: Logger = {
  info: () => {},
  warn: (msg) => console.error(msg),
  error: (msg) => console.error(msg),
};

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && HELP.has(argv[0]!)) return print({ exitCode: 0, stdout: `${usageText()}\n`, stderr: '' });
  const found = findCommand(argv);
  if (!found) return print(usageFailure(argv.length === 0 ? 'no command given' : `unknown command: ${argv.join(' ')}`));
  const { command, args } = found;
  try {
    command.parse(args); // wrong arguments are told at once, wherever the command would run
  } catch (err) {
    if (err instanceof UsageError) return print(usageFailure(err.message));
    throw err;
  }
  const config = loadConfig();
  const request = { command: command.name, args };
  return print((await askServer(config, request)) ?? (await runHere(config, request)));
}

/**
 * PostgreSQL (DATABASE_URL) takes many processes: the CLI opens it itself. The embedded database belongs to the
 * process listening on DATA_DIR/api.sock: a server there runs the command; nobody there, the CLI takes DATA_DIR.
 */
function askServer(config: Config, request: { command: string; args: string[] }): Promise<CommandAnswer | undefined> {
  if (config.databaseUrl) return Promise.resolve(undefined);
  return askHolder(join(config.dataDir, CONTROL_SOCKET), request);
}

async function runHere(config: Config, request: { command: string; args: string[] }): Promise<CommandAnswer> {
  let runtime;
  try {
    runtime = await openRuntime(config, stderrLogger, { maintenance: false });
  } catch (err) {
    // A server that started since we asked holds DATA_DIR now: ask it once more.
    const answer = err instanceof DataDirInUseError ? await askServer(config, request) : undefined;
    if (answer) return answer;
    throw err;
  }
  await makeOwnerOnly(config.dataDir); // what an older version, or the database's initialisation, left open
  try {
    return await runCommand(runtime.deps, request.command, request.args);
  } finally {
    await runtime.close();
  }
}

function print(answer: CommandAnswer): number {
  process.stdout.write(answer.stdout);
  process.stderr.write(answer.stderr);
  return answer.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
