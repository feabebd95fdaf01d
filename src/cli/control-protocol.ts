import type { CommandAnswer } from './run-command.js';

// The CLI and a server holding DATA_DIR speak over DATA_DIR/api.sock (0600, in a 0700 folder: its owner only).
// One request per connection: a JSON line {"command", "args"}, answered by a JSON line {"exitCode", "stdout",
// "stderr"}, then the server closes.

export const MAX_REQUEST_BYTES = 64 * 1024;
/** The whole request line must arrive within this; a silent or slow client is cut off. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** An answer is at most this large (a long device list), so a broken holder cannot fill the CLI's memory. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const MAX_ARGS = 64;

export interface ControlRequest {
  command: string;
  args: string[];
}

export class MalformedRequestError extends Error {
  override name = 'MalformedRequestError';
}

/** The request in one received line; throws MalformedRequestError with a reason that quotes none of it. */
export function parseControlRequest(line: string): ControlRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new MalformedRequestError('the request is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedRequestError('the request is not a JSON object');
  const { command, args } = value as Record<string, unknown>;
  if (typeof command !== 'string') throw new MalformedRequestError('"command" must be a string');
  if (!Array.isArray(args) || args.length > MAX_ARGS || !args.every((a) => typeof a === 'string')) {
    throw new MalformedRequestError(`"args" must be an array of at most ${MAX_ARGS} strings`);
  }
  return { command, args };
}

export function isCommandAnswer(value: unknown): value is CommandAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const { exitCode, stdout, stderr } = value as Record<string, unknown>;
  return Number.isInteger(exitCode) && typeof stdout === 'string' && typeof stderr === 'string';
}
