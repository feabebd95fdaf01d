import { statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTimeoutMs } from '../../src/infra/host/command-timeouts.js';
import { isAlive, machine, tempDir } from './nixos-machine.js';
import { addScriptedProgram } from './scripted-bin.js';

const HOUR = 3_600_000;
const SOCKET_URL = 'postgresql://postgres@%2Frun%2Fpostgresql';

describe('NixosHost backup calls', () => {
  it('dumpDatabase creates the dumps folder 0700 and runs pg_dump on the local socket in custom format', async () => {
    const m = machine({ pg_dump: [{}] });
    const file = join(tempDir('sp-dumps-'), 'postgresql-dumps', 'pleroma', 'pleroma.dump');

    await m.host.dumpDatabase('pleroma', file);

    expect(m.argv()).toEqual([['pg_dump', `--dbname=${SOCKET_URL}/pleroma`, '--format=custom', `--file=${file}`]]);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
  });

  it('restoreDatabase runs pg_restore --clean --create --exit-on-error on the dump', async () => {
    const m = machine({ pg_restore: [{}] });

    await m.host.restoreDatabase('/var/lib/postgresql-dumps/pleroma/pleroma.dump');

    expect(m.argv()).toEqual([
      ['pg_restore', `--dbname=${SOCKET_URL}`, '--clean', '--create', '--exit-on-error', '/var/lib/postgresql-dumps/pleroma/pleroma.dump'],
    ]);
  });

  it('a failed dump or restore rejects with the tool\'s exit code and the end of its stderr', async () => {
    const noise = 'pg_restore: processing item 1234 TABLE DATA users\n'.repeat(60);
    const m = machine({
      pg_dump: [{ stderr: 'pg_dump: error: connection to server on socket "/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "nope" does not exist\n', exitCode: 1 }],
      pg_restore: [{ stderr: `${noise}pg_restore: error: could not execute query: ERROR:  database "pleroma" is being accessed by other users\n`, exitCode: 1 }],
    });
    const dumps = tempDir('sp-dumps-');

    await expect(m.host.dumpDatabase('nope', join(dumps, 'nope.dump'))).rejects.toThrow(
      'pg_dump of database nope failed (exit code 1): pg_dump: error: connection to server on socket "/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "nope" does not exist',
    );
    const error = await m.host.restoreDatabase(join(dumps, 'pleroma.dump')).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^pg_restore of .*pleroma\.dump failed \(exit code 1\): \.\.\./);
    expect((error as Error).message).toMatch(/database "pleroma" is being accessed by other users$/);
    expect((error as Error).message.length).toBeLessThan(1200);
  });

  it('a relative dump path is refused before any tool runs', async () => {
    const m = machine({ pg_dump: [{}], pg_restore: [{}] });

    await expect(m.host.dumpDatabase('pleroma', 'pleroma.dump')).rejects.toThrow('A database dump needs an absolute path, not pleroma.dump');
    await expect(m.host.restoreDatabase('--help')).rejects.toThrow('A database dump needs an absolute path, not --help');

    expect(m.argv()).toEqual([]);
  });

  it('aborting a dump kills pg_dump and rejects with the reason', async () => {
    const m = machine({});
    addScriptedProgram(m.fake, 'pg_dump', 'say("err", "started\\n"); await sleep(60_000);');
    const controller = new AbortController();
    const reason = new Error('Job cancelled: stopped through the API');

    const dump = m.host.dumpDatabase('nextcloud', join(tempDir('sp-dumps-'), 'nextcloud.dump'), controller.signal);
    for (let i = 0; i < 200 && m.fake.calls().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort(reason);

    await expect(dump).rejects.toBe(reason);
    const { pid } = m.fake.calls()[0] as unknown as { pid: number };
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(pid)).toBe(false);
  });

  it('pg_dump and pg_restore get hours, not the one-minute fallback', () => {
    expect(defaultTimeoutMs('pg_dump')).toBeGreaterThanOrEqual(HOUR);
    expect(defaultTimeoutMs('/run/current-system/sw/bin/pg_restore')).toBeGreaterThanOrEqual(HOUR);
  });

  it('filesPath is the folder itself; freeBytes reads the nearest existing parent without running anything', async () => {
    const m = machine({});
    const root = tempDir('sp-free-');
    const fs = statfsSync(root);
    const expected = fs.bavail * fs.bsize;

    const free = await m.host.freeBytes(join(root, 'not', 'yet', 'there'));

    expect(m.host.filesPath('/var/lib/nextcloud')).toBe('/var/lib/nextcloud');
    expect(free).toBeGreaterThan(0);
    expect(Math.abs(free - expected)).toBeLessThan(256 * 1024 * 1024);
    expect(Math.abs((await m.host.freeBytes('/')) - statfsSync('/').bavail * statfsSync('/').bsize)).toBeLessThan(256 * 1024 * 1024);
    expect(m.argv()).toEqual([]);
  });
});
