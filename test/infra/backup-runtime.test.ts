import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResticRepository } from '../../src/core/backups/backup-types.js';
import { type Runtime, openRuntime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../fakes/fake-deps.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

// The backup ports as the API wires them, on the simulated host whose service folders are real folders.

const hasRestic = spawnSync('restic', ['version']).status === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function simulatedRuntime(dataDir: string, env: Record<string, string> = {}): Promise<Runtime> {
  return openRuntime(loadConfig({ SP_HOST: 'simulated', DATA_DIR: dataDir, ...env }), silentLogger, { maintenance: false });
}

describe('the backup ports of a simulated-host runtime', () => {
  it('MEMORY: backs up a service folder, and a restore through a side folder brings its broken file back', async () => {
    const dataDir = tempFolder('sp-backup-runtime-');
    const runtime = await simulatedRuntime(dataDir);
    try {
      const { restic, backupFiles, host } = runtime.deps;
      const repo: ResticRepository = { provider: 'MEMORY', location: '', login: '', providerKey: '', encryptionKey: 'k' };
      const folder = host.filesPath('/var/lib/gitea');
      const file = join(folder, readdirSync(folder).find((name) => statSync(join(folder, name)).isFile())!);
      const original = readFileSync(file);

      await restic.initRepository(repo);
      const id = await restic.backup(repo, [folder], { serviceId: 'gitea', reason: 'EXPLICIT' });
      writeFileSync(file, 'broken');
      const side = await backupFiles.makeTempFolder('restore-gitea');
      await restic.restore(repo, id, side);
      await backupFiles.syncFolder(join(side, folder), folder);
      await backupFiles.remove(side);

      expect(readFileSync(file).equals(original)).toBe(true);
      expect(side.startsWith(join(dataDir, 'restores', 'restore-gitea-'))).toBe(true);
      expect((await restic.listSnapshots(repo)).map((s) => [s.id, s.serviceId, s.reason])).toEqual([[id, 'gitea', 'EXPLICIT']]);
    } finally {
      await runtime.close();
    }
  });

  it.skipIf(!hasRestic)('FILE: the restic program runs with its password file in DATA_DIR/restic-secrets (0700), removed after each command', { timeout: 60_000 }, async () => {
    const dataDir = tempFolder('sp-backup-runtime-');
    const runtime = await simulatedRuntime(dataDir);
    try {
      const repo: ResticRepository = { provider: 'FILE', location: join(tempFolder('sp-backup-repo-'), 'repo'), login: '', providerKey: '', encryptionKey: 'k' };
      const folder = runtime.deps.host.filesPath('/var/lib/gitea');

      await runtime.deps.restic.initRepository(repo);
      const id = await runtime.deps.restic.backup(repo, [folder], { serviceId: 'gitea', reason: 'AUTO' });

      expect(await runtime.deps.restic.snapshotSize(repo, id)).toBeGreaterThan(0);
      expect((statSync(join(dataDir, 'restic-secrets')).mode & 0o777).toString(8)).toBe('700');
      expect(readdirSync(join(dataDir, 'restic-secrets'))).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('keeps the backup settings and key in DATA_DIR\'s database across restarts', async () => {
    const dataDir = tempFolder('sp-backup-runtime-');
    const first = await simulatedRuntime(dataDir);
    await first.deps.backupState.updateSettings({ provider: 'FILE', locationName: '/srv/backups', initialized: true });
    const key = await first.deps.backupState.encryptionKey(() => 'the first key');
    await first.close();

    const second = await simulatedRuntime(dataDir);
    try {
      expect(await second.deps.backupState.readSettings()).toMatchObject({ provider: 'FILE', locationName: '/srv/backups', initialized: true });
      expect(await second.deps.backupState.encryptionKey(() => 'another key')).toBe(key);
      expect(await second.deps.schedulerLeadership.holds()).toBe(true);
    } finally {
      await second.close();
    }
  });

  it.runIf(TEST_DATABASE_URL)('on one PostgreSQL, one runtime runs the scheduler, and closing it hands the lock to the other', { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    const a = await simulatedRuntime(tempFolder('sp-backup-runtime-'), { DATABASE_URL: database.url });
    const b = await simulatedRuntime(tempFolder('sp-backup-runtime-'), { DATABASE_URL: database.url });
    try {
      expect(await a.deps.schedulerLeadership.holds()).toBe(true);
      expect(await b.deps.schedulerLeadership.holds()).toBe(false);

      await a.close();

      expect(await b.deps.schedulerLeadership.holds()).toBe(true);
    } finally {
      await b.close();
      await database.drop();
    }
  });
});
