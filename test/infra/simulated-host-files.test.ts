import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_SERVICES } from '../../src/core/services/builtin-services.js';
import { SimulatedHost } from '../../src/infra/host/simulated-host.js';
import { SIMULATED_SERVICE_CATALOGUE } from '../../src/infra/services/simulated-service-catalogue.js';
import { FixedClock, silentLogger } from '../fakes/fake-deps.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2025-03-01T10:20:30.000Z');
const MIB = 1024 ** 2;

/** A fresh simulated host whose files are under `<dir>/files`, prepared as at start. */
async function startedHost(dir = mkdtempSync(join(tmpdir(), 'sp-sim-files-'))) {
  temps.push(dir);
  const root = join(dir, 'files');
  const host = new SimulatedHost(join(dir, 'simulated-host.json'), new FixedClock(NOW), silentLogger, undefined, root);
  await host.prepareFiles();
  return { dir, root, host };
}

const journalLines = (host: SimulatedHost) => host.journal.tail('selfprivacy-api.service', 50);

describe('SimulatedHost files', () => {
  it('creates every service folder with sample files at its real location (a bind-mounted one at its volume)', async () => {
    const { root, host } = await startedHost();

    expect(readFileSync(join(root, 'volumes/sdb/nextcloud/welcome.txt'), 'utf8')).toBe(
      'Sample data of Nextcloud on the simulated server (/volumes/sdb/nextcloud).\n',
    );
    for (const folder of ['/var/lib/nextcloud', '/var/lib/gitea', '/var/lib/bitwarden_rs', '/var/lib/pleroma', '/var/vmail', '/var/sieve',
      '/var/lib/jitsi-meet', '/var/lib/prometheus']) {
      const real = host.filesPath(folder);
      expect(readdirSync(real).sort(), folder).toEqual(['nested', 'sample.bin', 'welcome.txt']);
      expect(readFileSync(join(real, 'sample.bin')).length, folder).toBe(2048);
      expect(readFileSync(join(real, 'nested/deeper/notes.md'), 'utf8'), folder).toMatch(/^# /);
      expect(statSync(join(real, 'welcome.txt')).mode & 0o777).toBe(0o600);
      expect(statSync(real).mode & 0o777).toBe(0o700);
    }
    expect(readFileSync(join(root, 'volumes/sda1/gitea/welcome.txt'), 'utf8')).toContain('Forgejo');
    expect(readFileSync(join(root, 'volumes/sda1/vmail/welcome.txt'), 'utf8')).toContain('Mail Server');
    // Binary, and different per folder.
    expect(readFileSync(join(root, 'volumes/sda1/gitea/sample.bin')).equals(readFileSync(join(root, 'var/lib/prometheus/sample.bin')))).toBe(false);
    // The API's settings stash is made by its backup: only its parent exists.
    expect(statSync(join(root, 'etc/selfprivacy')).isDirectory()).toBe(true);
    expect(existsSync(join(root, 'etc/selfprivacy/dump'))).toBe(false);
  });

  it('leaves existing folders as they are at the next start and recreates a missing one', async () => {
    const { dir, root } = await startedHost();
    writeFileSync(join(root, 'volumes/sdb/nextcloud/welcome.txt'), 'changed by the user');
    rmSync(join(root, 'volumes/sda1/gitea'), { recursive: true });

    await startedHost(dir);

    expect(readFileSync(join(root, 'volumes/sdb/nextcloud/welcome.txt'), 'utf8')).toBe('changed by the user');
    expect(readFileSync(join(root, 'volumes/sda1/gitea/welcome.txt'), 'utf8')).toContain('Forgejo');
  });

  it('filesPath follows bind mounts, keeps other folders in place and never leaves the root', async () => {
    const { root, host } = await startedHost();

    expect(host.filesPath('/var/lib/nextcloud')).toBe(join(root, 'volumes/sdb/nextcloud'));
    expect(host.filesPath('/var/lib/nextcloud/data/alice/files')).toBe(join(root, 'volumes/sdb/nextcloud/data/alice/files'));
    expect(host.filesPath('/var/lib/nextcloud-other')).toBe(join(root, 'var/lib/nextcloud-other'));
    expect(host.filesPath('/var/lib/postgresql-dumps/pleroma')).toBe(join(root, 'var/lib/postgresql-dumps/pleroma'));
    expect(host.filesPath('/var/lib/prometheus')).toBe(join(root, 'var/lib/prometheus'));
    expect(host.filesPath('/../../etc/passwd')).toBe(join(root, 'etc/passwd'));
  });

  it('a service move (mv, umount, mount --bind) moves the real files, and filesPath finds them there, also after a restart', async () => {
    const { dir, root, host } = await startedHost();
    const before = readFileSync(join(root, 'volumes/sda1/gitea/sample.bin'));

    await host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea');
    await host.unmount('/var/lib/gitea');
    await host.bindMount('/volumes/sdb/gitea', '/var/lib/gitea');

    expect(host.filesPath('/var/lib/gitea')).toBe(join(root, 'volumes/sdb/gitea'));
    expect(readFileSync(join(host.filesPath('/var/lib/gitea'), 'sample.bin')).equals(before)).toBe(true);
    expect(readFileSync(join(host.filesPath('/var/lib/gitea'), 'nested/deeper/notes.md'), 'utf8')).toContain('# Forgejo');
    expect(existsSync(join(root, 'volumes/sda1/gitea'))).toBe(false);
    // The simulated size is the state's, not the few sample bytes.
    expect((await host.folderSizes(['/var/lib/gitea'])).get('/var/lib/gitea')).toBe(420 * MIB);
    const restarted = new SimulatedHost(join(dir, 'simulated-host.json'), new FixedClock(NOW), silentLogger, undefined, root);
    expect(restarted.filesPath('/var/lib/gitea')).toBe(join(root, 'volumes/sdb/gitea'));
  });

  it('a move onto a real folder with files is refused like mv, leaving the files and the state where they were', async () => {
    const { root, host } = await startedHost();
    mkdirSync(join(root, 'volumes/sdb/taken'), { recursive: true });
    writeFileSync(join(root, 'volumes/sdb/taken/file'), 'x');

    await expect(host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/taken')).rejects.toThrow(
      "mv: cannot move '/volumes/sda1/gitea' to '/volumes/sdb/taken': Directory not empty",
    );

    expect(readFileSync(join(root, 'volumes/sda1/gitea/welcome.txt'), 'utf8')).toContain('Forgejo');
    expect((await host.folderSizes(['/volumes/sda1/gitea', '/volumes/sdb/taken'])).get('/volumes/sda1/gitea')).toBe(420 * MIB);
    expect((await host.pathInfo('/volumes/sdb/taken')).exists).toBe(false);
  });

  it('freeBytes is the free space of the simulated device holding the folder, following bind mounts and moves', async () => {
    const { host } = await startedHost();
    const fsavail = async (name: string) => Number((await host.blockDevices()).find((d) => d.name === name)!.fsavail);
    const volume = await fsavail('sdb');
    const system = await fsavail('sda1');
    expect(volume).not.toBe(system);

    expect(await host.freeBytes('/var/lib/nextcloud')).toBe(volume);
    expect(await host.freeBytes('/var/lib/prometheus')).toBe(system);
    expect(await host.freeBytes('/var/lib/not-yet/created')).toBe(system);
    expect(await host.freeBytes('/var/lib/gitea')).toBe(system);

    await host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea');
    await host.unmount('/var/lib/gitea');
    await host.bindMount('/volumes/sdb/gitea', '/var/lib/gitea');

    expect(await host.freeBytes('/var/lib/gitea')).toBe(volume - 420 * MIB);
  });

  it('dumpDatabase writes a small text dump where filesPath says, which restoreDatabase reads back; both are in the journal', async () => {
    const { root, host } = await startedHost();
    const file = '/var/lib/postgresql-dumps/pleroma/pleroma.dump';

    await host.dumpDatabase('pleroma', file);
    await host.restoreDatabase(file);

    expect(readFileSync(join(root, 'var/lib/postgresql-dumps/pleroma/pleroma.dump'), 'utf8')).toBe(
      '-- simulated pg_dump of pleroma at 2025-03-01T10:20:30.000Z\n-- database: pleroma\n',
    );
    expect(statSync(join(root, 'var/lib/postgresql-dumps/pleroma')).mode & 0o777).toBe(0o700);
    expect(journalLines(host)).toEqual(expect.arrayContaining([
      `pg_dump: dumped database pleroma to ${file}`,
      `pg_restore: restored database pleroma from ${file}`,
    ]));
  });

  it('restoreDatabase fails as pg_restore would on a missing file or one that is not a dump, and logs it', async () => {
    const { root, host } = await startedHost();
    mkdirSync(join(root, 'var/lib/postgresql-dumps/pleroma'), { recursive: true });
    writeFileSync(join(root, 'var/lib/postgresql-dumps/pleroma/broken.dump'), 'not a dump at all');

    await expect(host.restoreDatabase('/var/lib/postgresql-dumps/pleroma/missing.dump')).rejects.toThrow(
      'pg_restore of /var/lib/postgresql-dumps/pleroma/missing.dump failed (exit code 1): pg_restore: error: could not open input file "/var/lib/postgresql-dumps/pleroma/missing.dump": No such file or directory',
    );
    await expect(host.restoreDatabase('/var/lib/postgresql-dumps/pleroma/broken.dump')).rejects.toThrow(
      'pg_restore: error: input file does not appear to be a valid archive',
    );

    expect(journalLines(host).filter((line) => line.startsWith('pg_restore of '))).toHaveLength(2);
    expect(journalLines(host).some((line) => line.includes(root))).toBe(false);
  });

  it('an aborted dump writes nothing and rejects with the reason', async () => {
    const { root, host } = await startedHost();
    const controller = new AbortController();
    const reason = new Error('Job cancelled');
    controller.abort(reason);

    await expect(host.dumpDatabase('pleroma', '/var/lib/postgresql-dumps/pleroma/pleroma.dump', controller.signal)).rejects.toBe(reason);

    expect(existsSync(join(root, 'var/lib/postgresql-dumps'))).toBe(false);
  });

  it('every folder of every simulated service (catalogue and built-ins) is a real folder after start', async () => {
    const { host } = await startedHost();
    const catalogue = SIMULATED_SERVICE_CATALOGUE.flatMap((document) => ((document.meta as { folders?: string[] }).folders ?? []));
    const builtins = BUILTIN_SERVICES.flatMap((service) => service.folders.map((folder) => folder.path));
    const folders = [...catalogue, ...builtins].filter((folder) => folder !== '/etc/selfprivacy/dump');

    expect(folders.length).toBeGreaterThanOrEqual(8);
    for (const folder of folders) expect(readdirSync(host.filesPath(folder)), folder).toContain('welcome.txt');
  });
});
