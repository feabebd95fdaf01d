import type { Socket } from 'node:net';
import type { Deps } from '../core/ports.js';
import { MAX_REQUEST_BYTES, MalformedRequestError, REQUEST_TIMEOUT_MS, parseControlRequest } from '../cli/control-protocol.js';
import { type CommandAnswer, runCommand } from '../cli/run-command.js';

export interface ControlRequests {
  /** Serves one connection on DATA_DIR/api.sock. */
  handle(socket: Socket): void;
  /** Answers later requests with "stopping" and waits for the commands already running. */
  stop(): Promise<void>;
}

const STOPPING: CommandAnswer = {
  exitCode: 1,
  stdout: '',
  stderr: 'The API server is stopping: the command did not run. Run it again once the server has stopped (or started again).\n',
};

/**
 * The CLI's way into a running server: each request runs a registered CLI command with the server's deps.
 * A command's output (a new token) goes only into the answer; the log gets its name and exit code.
 */
export function serveControlRequests(deps: Deps): ControlRequests {
  const running = new Set<Promise<void>>();
  let stopping = false;

  const answer = async (line: string): Promise<CommandAnswer> => {
    let request;
    try {
      request = parseControlRequest(line);
    } catch (err) {
      if (!(err instanceof MalformedRequestError)) throw err;
      deps.logger.warn('refused a malformed control request', { reason: err.message });
      return { exitCode: 2, stdout: '', stderr: `Malformed control request: ${err.message}.\n` };
    }
    if (stopping) return STOPPING;
    const result = await runCommand(deps, request.command, request.args);
    deps.logger.info('ran a CLI command', { command: request.command, exitCode: result.exitCode });
    return result;
  };

  const handle = (socket: Socket) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let received = false;
    let lingering: NodeJS.Timeout | undefined;
    const reply = (result: CommandAnswer) => {
      if (socket.destroyed) return;
      socket.end(`${JSON.stringify(result)}\n`);
      // A client that keeps its side open after the answer must not hold the socket (and a stopping server) forever.
      lingering = setTimeout(() => socket.destroy(), REQUEST_TIMEOUT_MS);
    };
    const refuse = (reason: string) => {
      received = true;
      clearTimeout(timer);
      deps.logger.warn('refused a malformed control request', { reason });
      reply({ exitCode: 2, stdout: '', stderr: `Malformed control request: ${reason}.\n` });
    };
    const timer = setTimeout(() => refuse(`no complete request line within ${REQUEST_TIMEOUT_MS} ms`), REQUEST_TIMEOUT_MS);
    socket.on('error', () => clearTimeout(timer)); // the client went away; nothing to answer
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(lingering);
    });
    socket.on('data', (chunk: Buffer) => {
      if (received) return;
      const newline = chunk.indexOf(0x0a);
      size += newline < 0 ? chunk.length : newline;
      if (size > MAX_REQUEST_BYTES) return refuse(`the request is larger than ${MAX_REQUEST_BYTES} bytes`);
      if (newline < 0) return void chunks.push(chunk);
      received = true;
      clearTimeout(timer);
      chunks.push(chunk.subarray(0, newline));
      const work = answer(Buffer.concat(chunks).toString('utf8')).then(reply, (err: unknown) => {
        deps.logger.error('a control request failed', { error: err instanceof Error ? err.message : String(err) });
        reply({ exitCode: 1, stdout: '', stderr: 'The API server could not run the command; see its log.\n' });
      });
      running.add(work);
      void work.finally(() => running.delete(work));
    });
    // A client that closes without a request (the data-directory probe does) is not an error.
    socket.on('end', () => {
      if (!received && size > 0) refuse('the request ended without a line break');
      else if (!received) {
        clearTimeout(timer);
        socket.end();
      }
    });
  };

  return {
    handle,
    async stop() {
      stopping = true;
      await Promise.all([...running]);
    },
  };
}
