import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, onExitKill } from './children.js';
import { freePort } from '../test/support/api-process.js';
import { serverProcesses } from './proc.js';

/**
 * The API started as `npm start` starts it: package.json's `start` script, read now, run by `sh -c`
 * with node_modules/.bin on PATH, in its own process group (so it can be ended as a whole), its
 * output in a file. The server's processes are those under that shell.
 */
export interface RunningApi {
  /** The shell's pid: the root of the server's process tree. */
  root: number;
  url: string;
  dataDir: string;
  /** performance.now() at spawn. */
  spawnedAt: number;
  logFile: string;
  exited(): boolean;
  stop(): Promise<void>;
}

export function startScript(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.start;
  if (!script) throw new Error('package.json has no start script');
  return script;
}


/** The environment of a default start: the caller's, without any API setting, then DATA_DIR, PORT and `extra`. */
export function apiEnvironment(dataDir: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(SP_|npm_|KANIDM_|VITEST)/.test(name)) continue;
    if (['DATABASE_URL', 'LOG_LEVEL', 'DATA_DIR', 'PORT', 'HOST', 'NODE_ENV', 'NODE_OPTIONS', 'TEST'].includes(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    SP_HOST: 'simulated',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PORT: String(port),
    ...extra,
  };
}

export async function startApi(dataDir: string, logFile: string, extra: Record<string, string> = {}): Promise<RunningApi> {
  const port = await freePort();
  const out = openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn('sh', ['-c', startScript()], {
    cwd: ROOT,
    env: apiEnvironment(dataDir, port, extra),
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  const root = child.pid!;
  let ended = false;
  const done = new Promise<void>((resolve) => child.once('exit', () => ((ended = true), resolve())));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-root, signal);
    } catch {
      // the group is gone
    }
  };
  const unregister = onExitKill(() => killGroup('SIGKILL'));
  return {
    root,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    spawnedAt,
    logFile,
    exited: () => ended,
    async stop() {
      // SIGTERM to the innermost processes only (the server itself): a wrapper such as tsx passes a signal on,
      // and a second signal would cut the server's orderly stop short
      const tree = serverProcesses(root);
      const leaves = tree.filter((p) => !tree.some((q) => q.ppid === p.pid));
      if (leaves.length === 0) killGroup('SIGTERM');
      for (const leaf of leaves) {
        try {
          process.kill(leaf.pid, 'SIGTERM');
        } catch {
          // gone
        }
      }
      const timer = setTimeout(() => killGroup('SIGKILL'), 20_000);
      await done;
      // the shell may end before the server does: wait for the group to be empty
      for (let i = 0; i < 200 && groupAlive(root); i += 1) await sleep(100);
      killGroup('SIGKILL');
      clearTimeout(timer);
      unregister();
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds from spawn to the first 200 on /healthz, polling every 20 ms. */
export async function timeToHealthy(api: RunningApi, timeoutMs = 120_000): Promise<number> {
  for (;;) {
    const elapsed = performance.now() - api.spawnedAt;
    if (api.exited()) throw new Error(`the API exited before it was healthy (its output: ${api.logFile})`);
    if (elapsed > timeoutMs) throw new Error(`the API was not healthy within ${timeoutMs} ms (its output: ${api.logFile})`);
    try {
      const res = await fetch(`${api.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return Math.round(performance.now() - api.spawnedAt);
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
}

/** The device token the first start wrote to DATA_DIR/initial-token. */
export function initialToken(dataDir: string): string {
  return readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();
}

/**
 * `npm run --silent cli -- <args>` with the server's environment (its DATA_DIR, so the command goes
 * through the server's control socket). Resolves with the exit code and output.
 */
export function runCli(dataDir: string, args: string[], extra: Record<string, string> = {}, timeoutMs = 120_000) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env = apiEnvironment(dataDir, 0, extra);
    delete env.PORT;
    const child = execFile('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    const unregister = onExitKill(() => child.kill('SIGKILL'));
    child.once('exit', unregister);
  });
}
