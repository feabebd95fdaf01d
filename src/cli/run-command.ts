import type { Deps } from '../core/ports.js';
import { UsageError, commandNamed, usageText } from './commands.js';

/** What the CLI prints and exits with: the same whether the command ran in the CLI or in the server. */
export interface CommandAnswer {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Parses and runs one registered command; every failure becomes an answer, never a rejection. */
export async function runCommand(deps: Deps, name: string, args: readonly string[]): Promise<CommandAnswer> {
  const command = commandNamed(name);
  if (!command) return usageFailure(`unknown command: ${name}`);
  let parsed: unknown;
  try {
    parsed = command.parse(args);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message);
    throw err;
  }
  try {
    return { exitCode: 0, stdout: await command.run(deps, parsed), stderr: '' };
  } catch (err) {
    return { exitCode: 1, stdout: '', stderr: `${err instanceof Error ? err.message : String(err)}\n` };
  }
}

export function usageFailure(message: string): CommandAnswer {
  return { exitCode: 2, stdout: '', stderr: `${message}\n${usageText()}\n` };
}
