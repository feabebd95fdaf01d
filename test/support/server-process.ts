import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnApi, stopApi, untilHealthy } from './api-process.js';

const PROBE = new URL('./memory-probe.ts', import.meta.url).pathname;

export interface MemoryUsage {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface ServerProcess {
  port: number;
  url: string;
  dataDir: string;
  userdataPath: string;
  /** The `initial` device token. */
  token: string;
  /** Memory after two full garbage collections in the server process. */
  memory(): Promise<MemoryUsage>;
  /** How the process ended, if it did (a crash shows here). */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Error-level log lines and anything on stderr, for failure messages. */
  diagnostics(): string;
  stop(): Promise<void>;
}

/**
 * Starts the API as `npm start` does, as a separate OS process (a crash is visible, not hidden by
 * the test runner), on the simulated host over a fresh data directory, with the memory probe loaded.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-process-'));
  const memoryFile = join(dataDir, 'memory-probe.json');
  const port = await freePort();
  const api = spawnApi(dataDir, port, { ...env, SP_TEST_MEMORY_FILE: memoryFile }, undefined, ['--expose-gc', '--import', PROBE]);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void api.exited.then((e) => (exited = e));
  // the log is JSON lines at warn level; errors (50) and fatal (60), plus whatever is not JSON (stderr)
  const diagnostics = () =>
    api
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '' && (/"level":(50|60)/.test(line) || !line.startsWith('{"level"')))
      .slice(-60)
      .join('\n');
  await untilHealthy(api);

  return {
    port,
    url: api.url,
    dataDir,
    userdataPath: join(dataDir, 'userdata.json'),
    token: readFileSync(join(dataDir, 'initial-token'), 'utf8').trim(),
    async memory() {
      rmSync(memoryFile, { force: true });
      api.child.kill('SIGUSR2');
      for (let i = 0; i < 100 && !existsSync(memoryFile); i++) await new Promise((r) => setTimeout(r, 50));
      const usage = JSON.parse(readFileSync(memoryFile, 'utf8')) as MemoryUsage;
      return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external };
    },
    exit: () => exited,
    diagnostics,
    async stop() {
      await stopApi(api);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
