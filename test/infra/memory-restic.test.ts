import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupProgress, ResticPort, ResticRepository } from '../../src/core/backups/backup-types.js';
import { MemoryRestic } from '../../src/infra/backups/memory-restic.js';
import { ProviderRestic } from '../../src/infra/backups/provider-restic.js';
import { tempDir } from './nixos-machine.js';

const REPO: ResticRepository = { provider: 'MEMORY', location: '', login: '', providerKey: '', encryptionKey: 'the key' };
const WRONG_KEY = { ...REPO, encryptionKey: 'not the key' };
const NOON = new Date('2026-11-29T12:00:00Z');

/** Every entry under `root`: kind, mode, content or link target, keyed by its path below root. */
function tree(root: string, dir = root): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const info = lstatSync(path);
    const key = path.slice(root.length);
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isSymbolicLink()) out[key] = `link -> ${readlinkSync(path)}`;
    else if (info.isDirectory()) Object.assign(out, { [key]: `dir ${mode}` }, tree(root, path));
    else out[key] = `file ${mode} ${info.mtime.toISOString()} ${readFileSync(path).toString('base64')}`;
  }
  return out;
}

/** A service folder with nested, binary, private and linked files. */
function serviceFolder(base: string): string {
  const folder = join(base, 'var', 'lib', 'gitea');
  mkdirSync(join(folder, 'repos', 'alice'), { recursive: true });
  writeFileSync(join(folder, 'app.ini'), '[server]\nDOMAIN = git.example.org\n');
  writeFileSync(join(folder, 'repos', 'alice', 'pack.bin'), randomBytes(200_000));
  writeFileSync(join(folder, 'secret.key'), 'private', { mode: 0o600 });
  chmodSync(join(folder, 'secret.key'), 0o600);
  utimesSync(join(folder, 'app.ini'), new Date('2025-01-02T03:04:05Z'), new Date('2025-01-02T03:04:05Z'));
  symlinkSync('repos/alice', join(folder, 'latest'));
  return folder;
}

async function initialised(): Promise<MemoryRestic> {
  const restic = new MemoryRestic(() => NOON);
  await restic.initRepository(REPO);
  return restic;
}

describe('MemoryRestic', () => {
  it('backs up real files, and restoring under a target brings back the same bytes, modes, times and links after they changed', async () => {
    const base = tempDir('sp-memory-restic-');
    const folder = serviceFolder(base);
    const original = tree(folder);
    const restic = await initialised();
    const progress: BackupProgress[] = [];

    const id = await restic.backup(REPO, [folder], { serviceId: 'gitea', reason: 'EXPLICIT' }, { onProgress: (p) => progress.push(p) });
    writeFileSync(join(folder, 'app.ini'), 'broken');
    rmSync(join(folder, 'repos'), { recursive: true });
    writeFileSync(join(folder, 'new-file'), 'added later');
    const target = join(base, 'restore');
    await restic.restore(REPO, id, target);

    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(tree(join(target, folder))).toEqual(original);
    expect(progress[0]).toEqual({ percent: 0, bytesDone: 0, bytesTotal: 200_041, filesDone: 0, filesTotal: 3 });
    expect(progress.at(-1)).toEqual({ percent: 100, bytesDone: 200_041, bytesTotal: 200_041, filesDone: 3, filesTotal: 3 });
    expect(await restic.snapshotSize(REPO, id)).toBe(200_041);
  });

  it('lists snapshots with the service and reason tags, restic-style short and full ids, time and paths', async () => {
    const base = tempDir('sp-memory-restic-');
    const folder = serviceFolder(base);
    const restic = await initialised();

    const first = await restic.backup(REPO, [folder], { serviceId: 'gitea', reason: 'AUTO' });
    const second = await restic.backup(REPO, [join(folder, 'repos'), join(folder, 'app.ini')], { serviceId: 'gitea', reason: 'PRE_RESTORE' });
    const list = await restic.listSnapshots(REPO);

    expect(list).toEqual([
      { id: first, fullId: expect.stringMatching(new RegExp(`^${first}[0-9a-f]{56}$`)) as unknown, time: NOON, tags: ['gitea', 'AUTO'], paths: [folder], serviceId: 'gitea', reason: 'AUTO' },
      {
        id: second, fullId: expect.stringMatching(new RegExp(`^${second}[0-9a-f]{56}$`)) as unknown, time: NOON, tags: ['gitea', 'PRE_RESTORE'],
        paths: [join(folder, 'repos'), join(folder, 'app.ini')], serviceId: 'gitea', reason: 'PRE_RESTORE',
      },
    ]);
    expect(await restic.snapshotSize(REPO, list[1]!.fullId)).toBe(200_000 + 34);
  });

  it('keeps one repository per location, opened only with its key: WRONG_PASSWORD otherwise, NO_REPOSITORY where none was made', async () => {
    const restic = await initialised();
    const elsewhere = { ...REPO, location: 'other' };
    const folder = serviceFolder(tempDir('sp-memory-restic-'));

    expect(await restic.isInitialized(REPO)).toBe(true);
    expect(await restic.isInitialized(elsewhere)).toBe(false);
    await expect(restic.isInitialized(WRONG_KEY)).rejects.toMatchObject({ name: 'ResticError', failure: 'WRONG_PASSWORD' });
    await expect(restic.listSnapshots(WRONG_KEY)).rejects.toMatchObject({ failure: 'WRONG_PASSWORD', message: 'The backup repository did not accept the key: wrong password or no key found' });
    await expect(restic.backup(WRONG_KEY, [folder], { serviceId: 'gitea', reason: 'AUTO' })).rejects.toMatchObject({ failure: 'WRONG_PASSWORD' });
    await expect(restic.listSnapshots(elsewhere)).rejects.toMatchObject({ failure: 'NO_REPOSITORY' });
    await expect(restic.initRepository({ ...REPO, encryptionKey: 'another' })).rejects.toMatchObject({ failure: 'FAILED' });
    expect(await restic.listSnapshots(REPO)).toEqual([]);
  });

  it('forgets snapshots by id; an unknown id fails loudly and restoring or sizing a forgotten one fails', async () => {
    const folder = serviceFolder(tempDir('sp-memory-restic-'));
    const restic = await initialised();
    const a = await restic.backup(REPO, [folder], { serviceId: 'gitea', reason: 'AUTO' });
    const b = await restic.backup(REPO, [folder], { serviceId: 'gitea', reason: 'AUTO' });

    await restic.forget(REPO, [a]);

    expect((await restic.listSnapshots(REPO)).map((s) => s.id)).toEqual([b]);
    await expect(restic.forget(REPO, ['deadbeef'])).rejects.toMatchObject({ failure: 'FAILED', message: 'restic forget failed: no matching ID found for prefix "deadbeef"' });
    await expect(restic.restore(REPO, a, tempDir('sp-memory-restic-'))).rejects.toMatchObject({ failure: 'FAILED', message: `restic restore failed: no matching ID found for prefix "${a}"` });
    await expect(restic.snapshotSize(REPO, a)).rejects.toMatchObject({ failure: 'FAILED' });
  });

  it('a backup of a missing folder fails, and a backup stopped midway rejects with the reason and stores nothing', async () => {
    const base = tempDir('sp-memory-restic-');
    const folder = serviceFolder(base);
    for (let i = 0; i < 20; i++) writeFileSync(join(folder, `f${i}`), randomBytes(1000));
    const restic = await initialised();
    const stop = new AbortController();
    const reason = new Error('stopped');

    const missing = await restic.backup(REPO, [join(base, 'nope')], { serviceId: 'gitea', reason: 'AUTO' }).catch((e: unknown) => e);
    const stopped = await restic.backup(REPO, [folder], { serviceId: 'gitea', reason: 'AUTO' }, {
      signal: stop.signal,
      onProgress: (p) => { if (p.filesDone === 2) stop.abort(reason); },
    }).catch((e: unknown) => e);

    expect(missing).toMatchObject({ name: 'ResticError', failure: 'FAILED', message: expect.stringContaining('no such file or directory') as unknown });
    expect(stopped).toBe(reason);
    expect(await restic.listSnapshots(REPO)).toEqual([]);
  });
});

describe('ProviderRestic', () => {
  /** A port that records which repository each call went to. */
  function recordingPort(name: string, calls: string[]): ResticPort {
    const record = (method: string) => async (repo: ResticRepository) => {
      calls.push(`${name}.${method}(${repo.provider})`);
      return undefined as never;
    };
    return {
      initRepository: record('initRepository'), isInitialized: record('isInitialized'), backup: record('backup'), listSnapshots: record('listSnapshots'),
      restore: record('restore'), snapshotSize: record('snapshotSize'), forget: record('forget'), unlock: record('unlock'),
    };
  }

  it('sends MEMORY repositories to the in-process restic and every other provider to the restic program', async () => {
    const calls: string[] = [];
    const restic = new ProviderRestic(recordingPort('exec', calls), recordingPort('memory', calls));
    const file = { ...REPO, provider: 'FILE' as const, location: '/srv/backups' };
    const b2 = { ...REPO, provider: 'BACKBLAZE' as const, location: 'bucket' };

    await restic.initRepository(REPO);
    await restic.isInitialized(file);
    await restic.backup(REPO, ['/a'], { serviceId: 'a', reason: 'AUTO' });
    await restic.listSnapshots(b2);
    await restic.restore(REPO, 'abcd1234', '/t');
    await restic.snapshotSize(file, 'abcd1234');
    await restic.forget(REPO, ['abcd1234']);
    await restic.unlock(b2);

    expect(calls).toEqual([
      'memory.initRepository(MEMORY)', 'exec.isInitialized(FILE)', 'memory.backup(MEMORY)', 'exec.listSnapshots(BACKBLAZE)',
      'memory.restore(MEMORY)', 'exec.snapshotSize(FILE)', 'memory.forget(MEMORY)', 'exec.unlock(BACKBLAZE)',
    ]);
  });
});
