import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Runs a TypeScript entry point (`src/main.ts`, `src/cli.ts`) as its own OS process, node itself being that
 * process (no wrapper in between, so a signal reaches the API), started from a shell with the given umask.
 */
export function spawnEntry(
  entry: string,
  env: NodeJS.ProcessEnv,
  options: { args?: string[]; umask?: string; nodeArgs?: string[] } = {},
): ApiProcess {
  const umask = options.umask ?? '022';
  // node's own options after tsx's loader, so a preloaded module may be TypeScript too
  const node = [process.execPath, '--import', 'tsx', ...(options.nodeArgs ?? [])];
  const argv = [...node, entry, ...(options.args ?? [])].map((a) => `'${a}'`).join(' ');
  const child = spawn('/bin/sh', ['-c', `umask ${umask} && exec ${argv}`], {
    cwd: ROOT,
    env: { ...withoutRunnerVariables(process.env), SP_HOST: 'simulated', LOG_LEVEL: 'warn', HOST: '127.0.0.1', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, url: `http://127.0.0.1:${env.PORT ?? ''}`, output: () => output, exited };
}

/**
 * The test runner's environment without what it sets for itself (NODE_ENV=test, VITEST*, TEST): libraries
 * read NODE_ENV (Apollo installs its own signal handlers unless it is "test"), and the API must run here as
 * it does when started by a supervisor.
 */
function withoutRunnerVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'NODE_ENV' && name !== 'TEST' && !name.startsWith('VITEST')));
}

/** Starts the API on `dataDir` and `port` as `npm start` would. */
export function spawnApi(dataDir: string, port: number, env: NodeJS.ProcessEnv = {}, umask?: string, nodeArgs?: string[]): ApiProcess {
  return spawnEntry('src/main.ts', { SP_TIME_SCALE: '0.01', ...env, DATA_DIR: dataDir, PORT: String(port) }, { umask, nodeArgs });
}

/** Waits until the process answers /healthz; fails early if it exits. Returns the milliseconds it took. */
export async function untilHealthy(api: ApiProcess, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  let ended: { code: number | null } | undefined;
  void api.exited.then((e) => (ended = e));
  for (;;) {
    if (ended) throw new Error(`the API exited (${ended.code}) before answering:\n${api.output()}`);
    try {
      if ((await fetch(`${api.url}/healthz`)).ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`the API did not answer within ${timeoutMs} ms:\n${api.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends SIGTERM (then SIGKILL after `graceMs`) and waits for the end. */
export async function stopApi(api: ApiProcess, graceMs = 15_000): Promise<void> {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  api.child.kill('SIGTERM');
  const timer = setTimeout(() => api.child.kill('SIGKILL'), graceMs);
  await api.exited;
  clearTimeout(timer);
}
