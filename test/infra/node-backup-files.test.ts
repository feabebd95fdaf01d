import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeBackupFiles } from '../../src/infra/backups/node-backup-files.js';
import { tempDir } from './nixos-machine.js';

const mode = (path: string) => statSync(path).mode & 0o7777;
const isRoot = process.getuid?.() === 0;
const LONG_AGO = new Date('2021-03-04T05:06:07.000Z');

/** A source folder: a file, a nested folder with a private file, a relative symlink, fixed times. */
function sampleSource(root: string): string {
  const from = join(root, 'from');
  mkdirSync(join(from, 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(from, 'notes.txt'), 'original notes\n');
  writeFileSync(join(from, 'nested', 'secret.bin'), Buffer.from([0, 1, 2, 254, 255]));
  writeFileSync(join(from, 'nested', 'deeper', 'empty'), '');
  chmodSync(join(from, 'nested', 'secret.bin'), 0o600);
  chmodSync(join(from, 'notes.txt'), 0o640);
  chmodSync(join(from, 'nested'), 0o750);
  symlinkSync('nested/secret.bin', join(from, 'link-to-secret'));
  for (const path of ['notes.txt', 'nested/secret.bin', 'nested/deeper/empty', 'nested/deeper', 'nested']) {
    utimesSync(join(from, path), LONG_AGO, LONG_AGO);
  }
  return from;
}

describe('NodeBackupFiles.syncFolder', () => {
  it('mirrors a folder into a missing one: content, modes, times and symlinks as symlinks', async () => {
    const root = tempDir('sp-files-');
    const from = sampleSource(root);
    const to = join(root, 'a', 'b', 'to');

    await new NodeBackupFiles(join(root, 'tmp')).syncFolder(from, to);

    expect(readFileSync(join(to, 'notes.txt'), 'utf8')).toBe('original notes\n');
    expect([...readFileSync(join(to, 'nested', 'secret.bin'))]).toEqual([0, 1, 2, 254, 255]);
    expect(readFileSync(join(to, 'nested', 'deeper', 'empty'), 'utf8')).toBe('');
    expect(mode(join(to, 'notes.txt'))).toBe(0o640);
    expect(mode(join(to, 'nested', 'secret.bin'))).toBe(0o600);
    expect(mode(join(to, 'nested'))).toBe(0o750);
    expect(statSync(join(to, 'notes.txt')).mtime).toEqual(LONG_AGO);
    expect(statSync(join(to, 'nested')).mtime).toEqual(LONG_AGO);
    expect(statSync(join(to, 'nested', 'deeper')).mtime).toEqual(LONG_AGO);
    expect(lstatSync(join(to, 'link-to-secret')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(to, 'link-to-secret'))).toBe('nested/secret.bin');
  });

  it('deletes what the target has and the source lacks, replaces changed files and fixes modes', async () => {
    const root = tempDir('sp-files-');
    const from = sampleSource(root);
    const to = join(root, 'to');
    mkdirSync(join(to, 'nested', 'stray-folder'), { recursive: true });
    writeFileSync(join(to, 'nested', 'stray-folder', 'x'), 'x');
    writeFileSync(join(to, 'stray.txt'), 'not in the backup');
    writeFileSync(join(to, 'notes.txt'), 'BROKEN notes!!\n');
    chmodSync(join(to, 'notes.txt'), 0o666);
    mkdirSync(join(to, 'link-to-secret'));
    // Same size and time as the source, different bytes: still copied.
    writeFileSync(join(to, 'nested', 'secret.bin'), Buffer.from([9, 9, 9, 9, 9]));
    utimesSync(join(to, 'nested', 'secret.bin'), LONG_AGO, LONG_AGO);

    await new NodeBackupFiles(join(root, 'tmp')).syncFolder(from, to);

    expect(readdirSync(to).sort()).toEqual(['link-to-secret', 'nested', 'notes.txt']);
    expect(readdirSync(join(to, 'nested')).sort()).toEqual(['deeper', 'secret.bin']);
    expect(readFileSync(join(to, 'notes.txt'), 'utf8')).toBe('original notes\n');
    expect(mode(join(to, 'notes.txt'))).toBe(0o640);
    expect([...readFileSync(join(to, 'nested', 'secret.bin'))]).toEqual([0, 1, 2, 254, 255]);
    expect(readlinkSync(join(to, 'link-to-secret'))).toBe('nested/secret.bin');
  });

  it.runIf(isRoot)('gives files and folders the source\'s owner (run as root, as a restore is)', async () => {
    const root = tempDir('sp-files-');
    const from = sampleSource(root);
    chownSync(join(from, 'notes.txt'), 4242, 4343);
    chownSync(join(from, 'nested'), 4242, 4343);
    const to = join(root, 'to');

    await new NodeBackupFiles(join(root, 'tmp')).syncFolder(from, to);

    expect([statSync(join(to, 'notes.txt')).uid, statSync(join(to, 'notes.txt')).gid]).toEqual([4242, 4343]);
    expect([statSync(join(to, 'nested')).uid, statSync(join(to, 'nested')).gid]).toEqual([4242, 4343]);
    expect(statSync(join(to, 'nested', 'secret.bin')).uid).toBe(0);
  });

  it('fails clearly when the source is missing or not a folder, leaving the target as it was', async () => {
    const root = tempDir('sp-files-');
    const to = join(root, 'to');
    mkdirSync(to);
    writeFileSync(join(to, 'keep.txt'), 'keep');
    writeFileSync(join(root, 'plain-file'), 'x');
    const files = new NodeBackupFiles(join(root, 'tmp'));

    await expect(files.syncFolder(join(root, 'missing'), to)).rejects.toThrow(`${join(root, 'missing')} does not exist`);
    await expect(files.syncFolder(join(root, 'plain-file'), to)).rejects.toThrow(`${join(root, 'plain-file')} is not a folder`);

    expect(readFileSync(join(to, 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('stops between files when the signal aborts, rejecting with its reason', async () => {
    const root = tempDir('sp-files-');
    const from = join(root, 'from');
    mkdirSync(from);
    for (let i = 0; i < 500; i++) writeFileSync(join(from, `file-${String(i).padStart(3, '0')}`), `content ${i}`);
    const to = join(root, 'to');
    const controller = new AbortController();
    const files = new NodeBackupFiles(join(root, 'tmp'));
    const reason = new Error('Job cancelled');
    // Abort once the first few files have arrived.
    const abortWhenStarted = () => {
      if (existsSync(to) && readdirSync(to).length >= 5) controller.abort(reason);
      else setImmediate(abortWhenStarted);
    };

    const sync = files.syncFolder(from, to, controller.signal);
    abortWhenStarted();

    await expect(sync).rejects.toBe(reason);
    const copied = readdirSync(to).filter((name) => name.startsWith('file-')).length;
    expect(copied).toBeGreaterThanOrEqual(5);
    expect(copied).toBeLessThan(500);
    const already = new AbortController();
    already.abort(new Error('before start'));
    await expect(files.syncFolder(from, join(root, 'other'), already.signal)).rejects.toThrow('before start');
    expect(existsSync(join(root, 'other'))).toBe(false);
  });
});

describe('NodeBackupFiles', () => {
  it('makeTempFolder makes a fresh private folder under the root, which it creates 0700', async () => {
    const root = join(tempDir('sp-files-'), 'restore-tmp');
    const files = new NodeBackupFiles(root);

    const a = await files.makeTempFolder('restore-nextcloud');
    const b = await files.makeTempFolder('../../escape');

    expect(mode(root)).toBe(0o700);
    expect(a).not.toBe(b);
    for (const folder of [a, b]) {
      expect(folder.startsWith(`${root}/`)).toBe(true);
      expect(mode(folder)).toBe(0o700);
      expect(readdirSync(folder)).toEqual([]);
    }
    expect(a.slice(root.length + 1).startsWith('restore-nextcloud-')).toBe(true);
  });

  it('emptyFolder removes the content but keeps the folder and its mode; creates a missing one', async () => {
    const root = tempDir('sp-files-');
    const folder = join(root, 'data');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'sub', 'a'), 'a');
    writeFileSync(join(folder, '.hidden'), 'h');
    chmodSync(folder, 0o710);
    const files = new NodeBackupFiles(join(root, 'tmp'));

    await files.emptyFolder(folder);
    await files.emptyFolder(join(root, 'new', 'folder'));

    expect(readdirSync(folder)).toEqual([]);
    expect(mode(folder)).toBe(0o710);
    expect(statSync(join(root, 'new', 'folder')).isDirectory()).toBe(true);
    writeFileSync(join(root, 'plain'), 'x');
    await expect(files.emptyFolder(join(root, 'plain'))).rejects.toThrow('is not a folder');
  });

  it('writeFile replaces a file atomically with mode 0600; readFile, exists, copy and remove', async () => {
    const root = tempDir('sp-files-');
    const files = new NodeBackupFiles(join(root, 'tmp'));
    const file = join(root, 'settings.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);

    await files.writeFile(file, '{"a":1}');

    expect(await files.readFile(file)).toBe('{"a":1}');
    expect(mode(file)).toBe(0o600);
    expect(readdirSync(root).sort()).toEqual(['settings.json']);
    expect(await files.exists(file)).toBe(true);
    expect(await files.exists(join(root, 'nope'))).toBe(false);

    const from = sampleSource(root);
    mkdirSync(join(root, 'copy'));
    writeFileSync(join(root, 'copy', 'stale'), 'stale');
    await files.copy(from, join(root, 'copy'));
    expect(readdirSync(join(root, 'copy')).sort()).toEqual(['link-to-secret', 'nested', 'notes.txt']);
    expect(readlinkSync(join(root, 'copy', 'link-to-secret'))).toBe('nested/secret.bin');
    expect(statSync(join(root, 'copy', 'notes.txt')).mtime).toEqual(LONG_AGO);
    await files.copy(file, join(root, 'copy', 'settings.json'));
    expect(readFileSync(join(root, 'copy', 'settings.json'), 'utf8')).toBe('{"a":1}');
    await expect(files.copy(join(root, 'nope'), join(root, 'x'))).rejects.toThrow('does not exist');

    await files.remove(join(root, 'copy'));
    await files.remove(join(root, 'copy'));
    expect(existsSync(join(root, 'copy'))).toBe(false);
  });
});
