import { parseArgs } from 'node:util';
import type { Deps } from '../core/ports.js';
import { hostStatsCommand } from './host-stats-command.js';
import { importReferenceCommand } from './import-reference-command.js';
import { simulateCommands } from './simulate-commands.js';
import { tokenCommands } from './token-commands.js';

/**
 * One CLI command. The same `run` serves both ways in: the CLI's own runtime (no server holds DATA_DIR, or
 * DATABASE_URL is set) and a running server, which gets `{command, args}` over DATA_DIR/api.sock and runs it
 * with its own deps. So `run` takes everything from `deps` and returns the text to print, never writing to
 * stdout or a log itself: what it returns (a new token, say) travels only to the CLI's stdout.
 *
 * To add a command: write a `CliCommand` (name, synopsis, summary, `parse` that throws `UsageError`, `run`) in a file
 * of its own beside this one and append it to `COMMANDS` below; the CLI's usage text and the server's control
 * socket pick it up from there.
 */
export interface CliCommand<Args = unknown> {
  /** The words typed after `cli --`, e.g. `tokens create`. */
  name: string;
  /** Its arguments (`--name NAME`), for the usage text. */
  synopsis: string;
  /** What it does, for the usage text. */
  summary: string;
  /** The arguments after the name, checked; throws UsageError. */
  parse(args: readonly string[]): Args;
  /** Does the work; returns what goes to stdout. Throws CommandError for a failure to report (exit 1). */
  run(deps: Deps, args: Args): Promise<string>;
}

/** Wrong arguments: the message and the usage text go to stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure to report as is (stderr, exit 1). Other errors are reported by their message too. */
export class CommandError extends Error {
  override name = 'CommandError';
}

const COMMANDS: readonly CliCommand<unknown>[] = [
  ...tokenCommands,
  importReferenceCommand as CliCommand<unknown>,
  ...simulateCommands,
  hostStatsCommand as CliCommand<unknown>,
];

export function listCommands(): readonly CliCommand<unknown>[] {
  return COMMANDS;
}

/** The command whose name `argv` starts with, and the arguments after its name. */
export function findCommand(argv: readonly string[]): { command: CliCommand<unknown>; args: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, args: argv.slice(words.length) };
  }
  return undefined;
}

/** A command by its exact name (what the control socket receives). */
export function commandNamed(name: string): CliCommand<unknown> | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** parseArgs with named string options only; anything else is a UsageError. */
export function parseOptions<const Names extends string>(
  args: readonly string[],
  names: readonly Names[],
): Partial<Record<Names, string>> {
  try {
    const { values } = parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    });
    return values as Partial<Record<Names, string>>;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function usageText(): string {
  const invocations = COMMANDS.map((c) => `npm run --silent cli -- ${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}`);
  const width = Math.max(...invocations.map((line) => line.length));
  return [
    'Usage:',
    ...COMMANDS.map((c, i) => `  ${invocations[i]!.padEnd(width)}   ${c.summary}`),
    'Uses the same DATA_DIR / DATABASE_URL as the server; while a server holds DATA_DIR, the command runs in it.',
  ].join('\n');
}
