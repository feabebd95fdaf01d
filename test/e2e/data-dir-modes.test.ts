import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/infra/db/database.js';
import { type ApiProcess, freePort, spawnApi, spawnEntry, stopApi, untilHealthy } from '../support/api-process.js';
import { gql } from '../support/test-server.js';

// The API creates local users: none of them may read or forge what it keeps in DATA_DIR.

const dataDirs: string[] = [];
let api: ApiProcess | undefined;
afterAll(async () => {
  if (api) await stopApi(api);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Every entry under `dir` (itself included) whose permission bits are not owner-only, with its mode. */
function openEntries(dir: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? 0o700 : 0o600;
    if ((stat.mode & 0o777) !== wanted) found.push(`${(stat.mode & 0o777).toString(8)} ${path.slice(dir.length) || '/'}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return found;
}

/** A DATA_DIR as an older version left it under umask 022: a world-writable database, open folders and files. */
async function oldDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sp-api-modes-'));
  dataDirs.push(dir);
  const old = process.umask(0o022);
  try {
    const database = await openPglite(join(dir, 'pgdata'));
    await database.close();
    mkdirSync(join(dir, 'sp-modules'), { mode: 0o755 });
    writeFileSync(join(dir, 'sp-modules', 'notes.json'), '{}', { mode: 0o666 });
    writeFileSync(join(dir, 'initial-token.old'), 'x', { mode: 0o644 });
    chmodSync(dir, 0o755);
  } finally {
    process.umask(old);
  }
  return dir;
}

describe('DATA_DIR file modes', () => {
  it('makes every entry of an old DATA_DIR owner-only at start, and writes new files owner-only under umask 022', async () => {
    const dataDir = await oldDataDir();
    const walFiles = readdirSync(join(dataDir, 'pgdata', 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n));
    expect(walFiles.length).toBeGreaterThan(0);
    expect(openEntries(dataDir).length).toBeGreaterThan(900); // the world-writable database of the report

    api = spawnApi(dataDir, await freePort(), {}, '022');
    await untilHealthy(api);
    const token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();
    // A change on the simulated host writes its state file for the first time, after start.
    const stopped = await gql(api, 'mutation { services { stopService(serviceId: "nextcloud") { success } } }', undefined, token);

    expect(stopped.body.data.services.stopService.success).toBe(true);
    expect(lstatSync(join(dataDir, 'simulated-host.json')).mode & 0o777).toBe(0o600);
    expect(openEntries(dataDir)).toEqual([]);
  }, 120_000);

  it('the CLI on a fresh DATA_DIR under umask 022 leaves only owner-only entries', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sp-api-modes-cli-')), 'data');
    dataDirs.push(dataDir);

    const cli = spawnEntry('src/cli.ts', { DATA_DIR: dataDir }, { args: ['tokens', 'create', '--name', 'laptop'], umask: '022' });

    expect((await cli.exited).code).toBe(0);
    expect(openEntries(dataDir)).toEqual([]);
  }, 120_000);
});
