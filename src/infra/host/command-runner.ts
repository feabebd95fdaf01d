import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { defaultTimeoutMs } from './command-timeouts.js';
import { KILL_GRACE_MS, killGroup, signalGroup, spawnInGroup } from './process-group.js';

export interface RunOptions {
  cwd?: string;
  /** Extra environment (secrets travel here or on stdin, never in argv: argv is world-readable). */
  env?: Record<string, string>;
  stdin?: string;
  /** Merge stderr into the output, in arrival order. */
  mergeOutput?: boolean;
  /** Kill the command (its whole process group) after this long; the default depends on the program (command-timeouts.ts). `Infinity`: no limit. */
  timeoutMs?: number;
  /** Aborting kills the command's process group; run() then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** lines() tags each line with its stream, so there is nothing to merge. */
export type LinesOptions = Omit<RunOptions, 'mergeOutput'>;

export interface OutputLine {
  stream: 'stdout' | 'stderr';
  line: string;
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

export class CommandTimeoutError extends Error {
  override name = 'CommandTimeoutError';
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command} did not finish within ${formatDuration(timeoutMs)} and was killed`);
  }
}

/** A command killed because the runner is shutting down (killAll). */
export class CommandStoppedError extends Error {
  override name = 'CommandStoppedError';
  constructor(readonly command: string) {
    super(`${command} was killed: the API is shutting down`);
  }
}

/**
 * Spawns programs with argument arrays (never through a shell), each as the leader of its own process
 * group, and kills that whole group on timeout, abort and shutdown, so neither the program nor anything
 * it started outlives its caller. `PATH` comes from `baseEnv`.
 */
export class CommandRunner {
  /** Live children, each with what stops it. */
  private readonly live = new Map<ChildProcess, () => void>();
  private shutDown = false;
  private spawned = 0;

  constructor(
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
    /** The time limit of a command that sets none (tests shorten it). */
    private readonly timeoutFor: (command: string) => number = defaultTimeoutMs,
  ) {}

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(options.signal.reason);
      const child = this.spawn(command, args, options, 'pipe');
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        if (options.mergeOutput) stdout += chunk;
        else stderr += chunk;
      });
      // a stopped command fails at once: its output pipes may be held open by a process that ignores SIGTERM
      const release = this.limit(child, command, args, options, reject);
      child.on('error', (err) => {
        release();
        reject(err);
      });
      child.on('close', (code, signal) => {
        release();
        resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
      });
      child.stdin!.on('error', () => undefined); // the program may exit without reading its input
      child.stdin!.end(options.stdin ?? '');
    });
  }

  /** Runs and throws CommandFailedError unless the exit code is 0. */
  async check(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(command, args, options);
    if (result.exitCode !== 0) throw new CommandFailedError(command, result);
    return result;
  }

  /**
   * Yields the program's output lines, each tagged with its stream, as they arrive, until it exits.
   * When `signal` aborts, the program's group is killed and the iteration ends quietly (a log follow
   * ends that way); a timeout or a shutdown ends it with an error. Stopping the iteration early kills it too.
   */
  async *lines(command: string, args: readonly string[], options: LinesOptions = {}): AsyncIterable<OutputLine> {
    // An 'abort' listener added after the fact never fires: without this, `journalctl -f` would run forever.
    if (options.signal?.aborted) return;
    const child = this.spawn(command, args, options, options.stdin === undefined ? 'ignore' : 'pipe');
    const pending: OutputLine[] = [];
    let done = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const end = (err?: unknown) => {
      failure ??= err;
      done = true;
      notify();
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]!, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        pending.push({ stream, line });
        notify();
      });
    }
    const release = this.limit(child, command, args, options, (err) => end(err === options.signal?.reason ? undefined : err));
    child.once('error', end);
    child.once('close', () => end());
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin);
    }
    try {
      while (true) {
        const next = pending.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure) throw failure;
    } finally {
      release();
      if (child.exitCode === null && child.signalCode === null) killGroup(child);
    }
  }

  /**
   * Shutdown: kills every running command's process group (SIGTERM, then SIGKILL after a grace period)
   * and refuses new commands. Resolves once they are gone.
   */
  async killAll(): Promise<void> {
    this.shutDown = true;
    const children = [...this.live.keys()];
    for (const stop of [...this.live.values()]) stop();
    await Promise.all(children.map((child) => exited(child, KILL_GRACE_MS)));
    for (const child of children) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  }

  /** How many processes this runner has spawned so far. */
  get spawnedCount(): number {
    return this.spawned;
  }

  private spawn(command: string, args: readonly string[], options: LinesOptions, stdin: 'pipe' | 'ignore'): ChildProcess {
    if (this.shutDown) throw new CommandStoppedError(command);
    this.spawned += 1;
    return spawnInGroup(command, args, { cwd: options.cwd, env: { ...this.baseEnv, ...options.env }, stdin });
  }

  /** Arms the timeout, the abort signal and shutdown for `child`; `stop` hears why it was killed. Returns the disarm. */
  private limit(child: ChildProcess, command: string, args: readonly string[], options: LinesOptions, stop: (reason: unknown) => void): () => void {
    const timeoutMs = options.timeoutMs ?? this.timeoutFor(command);
    const label = [command, ...args].join(' ').slice(0, 200);
    const halt = (reason: unknown) => {
      release();
      killGroup(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      stop(reason);
    };
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => halt(new CommandTimeoutError(label, timeoutMs)), timeoutMs) : undefined;
    const onAbort = () => halt(options.signal!.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.live.set(child, () => halt(new CommandStoppedError(label)));
    const release = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.live.delete(child);
    };
    return release;
  }
}

function exited(child: ChildProcess, withinMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, withinMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
