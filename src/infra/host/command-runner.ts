import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunOptions {
  cwd?: string;
  /** Extra environment (secrets travel here or on stdin, never in argv: argv is world-readable). */
  env?: Record<string, string>;
  stdin?: string;
  /** Merge stderr into the output, in arrival order. */
  mergeOutput?: boolean;
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class CommandFailedError extends Error {
  override name = 'CommandFailedError';
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`${command} exited with code ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
  }
}

/** Spawns programs with argument arrays (never through a shell). `PATH` comes from `baseEnv`. */
export class CommandRunner {
  constructor(private readonly baseEnv: NodeJS.ProcessEnv = process.env) {}

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...this.baseEnv, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: options.timeoutMs,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (options.mergeOutput) stdout += chunk;
        else stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr }));
      child.stdin.on('error', () => undefined); // the program may exit without reading its input
      child.stdin.end(options.stdin ?? '');
    });
  }

  /** Runs and throws CommandFailedError unless the exit code is 0. */
  async check(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(command, args, options);
    if (result.exitCode !== 0) throw new CommandFailedError(command, result);
    return result;
  }

  /** Yields the program's output lines (stdout and stderr as they arrive) until it exits or `signal` aborts. */
  async *lines(command: string, args: readonly string[], signal?: AbortSignal): AsyncIterable<string> {
    // An 'abort' listener added after the fact never fires: without this, `journalctl -f` would run forever.
    if (signal?.aborted) return;
    const child = spawn(command, args, { env: this.baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const pending: string[] = [];
    let done = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        pending.push(line);
        notify();
      });
    }
    child.once('error', (err) => {
      failure = err;
      done = true;
      notify();
    });
    child.once('close', () => {
      done = true;
      notify();
    });
    const stop = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    try {
      while (true) {
        const line = pending.shift();
        if (line !== undefined) {
          yield line;
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure) throw failure;
    } finally {
      signal?.removeEventListener('abort', stop);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  }
}
