import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const PROBE = join(ROOT, 'test/support/memory-probe.ts');

export interface MemoryUsage {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface ServerProcess {
  port: number;
  url: string;
  wsUrl: string;
  dataDir: string;
  userdataPath: string;
  /** The `initial` device token. */
  token: string;
  /** Memory after two full garbage collections in the server process. */
  memory(): Promise<MemoryUsage>;
  /** How the process ended, if it did (a crash shows here). */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Error-level log lines and the end of stderr, for failure messages. */
  diagnostics(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts the API as `npm start` does, but as a separate OS process (a crash is visible, not hidden
 * by the test runner), on the simulated host over a fresh data directory.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-process-'));
  const memoryFile = join(dataDir, 'memory-probe.json');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', PROBE, 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SP_HOST: 'simulated',
      SP_TIME_SCALE: '0.01',
      LOG_LEVEL: 'warn',
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      SP_TEST_MEMORY_FILE: memoryFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const done = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const errorLines: string[] = [];
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (/"level":(50|60)/.test(line) && errorLines.length < 50) errorLines.push(line);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const diagnostics = () => [...errorLines, stderr].filter(Boolean).join('\n');

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the API process exited during start-up (${JSON.stringify(exited)}):\n${diagnostics()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the API process did not become healthy:\n${diagnostics()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    dataDir,
    userdataPath: join(dataDir, 'userdata.json'),
    token: readFileSync(join(dataDir, 'initial-token'), 'utf8').trim(),
    async memory() {
      rmSync(memoryFile, { force: true });
      child.kill('SIGUSR2');
      for (let i = 0; i < 100 && !existsSync(memoryFile); i++) await new Promise((r) => setTimeout(r, 50));
      const usage = JSON.parse(readFileSync(memoryFile, 'utf8')) as MemoryUsage;
      return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external };
    },
    exit: () => exited,
    diagnostics,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await done;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
