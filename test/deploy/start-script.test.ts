import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, stopApi, untilHealthy } from '../support/api-process.js';

// `npm start` (scripts/start.mjs) runs the compiled API from dist/, building it when it is missing or older than
// the sources. Here on a copy of the project (its own dist/), started as `npm start` starts it (node, its options, the script).

const ROOT = new URL('../..', import.meta.url).pathname;
let project: string;
let dataDir: string;
const running: ApiProcess[] = [];

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'sp-start-'));
  for (const entry of ['src', 'drizzle', 'scripts', 'tsconfig.json', 'package.json', 'package-lock.json']) {
    cpSync(join(ROOT, entry), join(project, entry), { recursive: true, filter: (path) => !path.endsWith('.test.ts') });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  dataDir = join(project, 'data');
});
afterAll(async () => {
  for (const api of running) await stopApi(api);
  rmSync(project, { recursive: true, force: true });
});

async function start(): Promise<ApiProcess> {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST')));
  // package.json's start script: node, its options, the script
  const [, ...args] = (JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: { ...env, SP_HOST: 'simulated', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const api = { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
  running.push(api);
  await untilHealthy(api, 150_000);
  return api;
}

async function version(api: ApiProcess): Promise<string> {
  const token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ api { version } }' }),
  });
  return ((await res.json()) as { data: { api: { version: string } } }).data.api.version;
}

async function stop(api: ApiProcess): Promise<void> {
  await stopApi(api);
  expect(await api.exited).toEqual({ code: 0, signal: null });
}

describe('npm start', () => {
  it('builds dist/ on the first start and serves from it, a fresh DATA_DIR included (its first token works)', async () => {
    const api = await start();
    expect(api.output()).toContain('building dist/');
    expect(existsSync(join(project, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(project, 'dist/pglite-template/PG_VERSION'))).toBe(true);
    expect(await version(api)).toBe('3.8.4');
    // one process: the server runs in the process npm starts (no loader or wrapper process in between)
    expect(readFileSync(`/proc/${api.child.pid}/cmdline`, 'utf8')).toContain('scripts/start.mjs');
    await stop(api);
  }, 240_000);

  it('starts from the build it has when nothing changed', async () => {
    const api = await start();
    expect(api.output()).not.toContain('building dist/');
    expect(await version(api)).toBe('3.8.4');
    await stop(api);
  }, 120_000);

  it('rebuilds when a source is newer than the build, and serves the change', async () => {
    const file = join(project, 'src/core/version.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("'3.8.4'", "'3.8.5'"));
    const later = new Date(Date.now() + 2_000);
    utimesSync(file, later, later);
    const api = await start();
    expect(api.output()).toContain('building dist/');
    expect(await version(api)).toBe('3.8.5');
    await stop(api);
  }, 240_000);
});
