import { connect } from 'node:net';
import { type ControlRequest, MAX_ANSWER_BYTES, isCommandAnswer } from './control-protocol.js';
import type { CommandAnswer } from './run-command.js';

/** The holder of DATA_DIR accepted the request but gave no answer (it stopped, or is not a server). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

/**
 * Sends one request to the process listening on `socketPath`. Undefined when nobody listens there (no socket,
 * or one a dead process left): the caller then opens the database itself.
 */
export function askHolder(socketPath: string, request: ControlRequest): Promise<CommandAnswer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let size = 0;
    let connected = false;
    const noAnswer = (why: string) =>
      new NoAnswerError(
        `The process holding the data directory ${why} before answering (an API server stopped or still starting, or ` +
          'another CLI command holding the database); the command may or may not have run. Check, then try again.',
      );
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        socket.destroy();
        reject(new Error(`The answer of the process holding the data directory is larger than ${MAX_ANSWER_BYTES} bytes.`));
      }
      chunks.push(chunk);
    });
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const answer = text.endsWith('\n') ? parseAnswer(text) : undefined;
      if (answer) resolve(answer);
      else reject(noAnswer('closed the connection'));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')) resolve(undefined);
      else reject(connected ? noAnswer(`broke the connection (${err.code ?? err.message})`) : err);
    });
  });
}

function parseAnswer(text: string): CommandAnswer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isCommandAnswer(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
