import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApi, spawnEntry, stopApi, untilHealthy } from '../support/api-process.js';

// One process per embedded database, decided by a unix socket the holder listens on: after a crash
// (kill -9) the next start comes up at once, while a second live process is refused.

const IN_USE = /The embedded database in .* is in use by another process \(most likely the running API server\)/;

const dataDirs: string[] = [];
const running: ApiProcess[] = [];
const freshDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-api-lock-'));
  dataDirs.push(dir);
  return dir;
};
const start = async (dataDir: string) => {
  const api = spawnApi(dataDir, await freePort());
  running.push(api);
  return api;
};

afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => stopApi(api)));
});
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the data directory lock', () => {
  it('lets the API start again at once on the same DATA_DIR after it was killed with SIGKILL', async () => {
    const dataDir = freshDataDir();
    const first = await start(dataDir);
    await untilHealthy(first);
    const firstStart = await untilHealthy(first);

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await start(dataDir);
    const restart = await untilHealthy(second);

    // Refusing for a staleness window (10 s before) would end the process at once with the in-use message.
    expect(second.output()).not.toMatch(IN_USE);
    expect(restart).toBeLessThan(Math.max(8_000, firstStart + 5_000));
  }, 120_000);

  it('refuses a second live API on the same DATA_DIR with a clear message', async () => {
    const dataDir = freshDataDir();
    const holder = await start(dataDir);
    await untilHealthy(holder);

    const second = await start(dataDir);

    expect((await second.exited).code).toBe(1);
    expect(second.output()).toMatch(IN_USE);
    expect((await fetch(`${holder.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('listens on an owner-only socket in DATA_DIR while running and removes it at a clean stop, after which the CLI works', async () => {
    const dataDir = freshDataDir();
    const api = await start(dataDir);
    await untilHealthy(api);
    const socket = statSync(join(dataDir, 'api.sock'));

    await stopApi(api);
    const cli = spawnEntry('src/cli.ts', { DATA_DIR: dataDir }, { args: ['tokens', 'list'] });

    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(() => statSync(join(dataDir, 'api.sock'))).toThrow(/ENOENT/);
    expect((await cli.exited).code).toBe(0);
    expect(cli.output()).toMatch(/^initial\t/m);
  }, 120_000);
});
