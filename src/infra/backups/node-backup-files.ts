import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  chmod, copyFile, cp, lchown, lstat, lutimes, mkdir, mkdtemp, open, readFile, readdir, readlink, rename, rm, symlink, utimes,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { BackupFiles } from '../../core/backups/backup-ports.js';

const COMPARE_CHUNK = 64 * 1024;

/** BackupFiles with node:fs alone (no processes): restores' side folders and the swap into the real folders. */
export class NodeBackupFiles implements BackupFiles {
  constructor(private readonly tempRoot: string) {}

  async makeTempFolder(prefix: string): Promise<string> {
    await mkdir(this.tempRoot, { recursive: true, mode: 0o700 });
    // mkdtemp creates the folder 0700; the prefix may not climb out of tempRoot.
    return mkdtemp(join(this.tempRoot, `${basename(prefix).replace(/[^\w.-]/g, '_')}-`));
  }

  async remove(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  async emptyFolder(path: string): Promise<void> {
    const stats = await lstatOrUndefined(path);
    if (!stats) {
      await mkdir(path, { recursive: true });
      return;
    }
    if (!stats.isDirectory()) throw new Error(`Cannot empty ${path}: it is not a folder`);
    for (const name of await readdir(path)) await rm(join(path, name), { recursive: true, force: true });
  }

  async syncFolder(from: string, to: string, signal?: AbortSignal): Promise<void> {
    const source = await lstatOrUndefined(from);
    if (!source) throw new Error(`Cannot copy ${from} to ${to}: ${from} does not exist`);
    if (!source.isDirectory()) throw new Error(`Cannot copy ${from} to ${to}: ${from} is not a folder`);
    signal?.throwIfAborted();
    await mkdir(dirname(to), { recursive: true });
    await mirrorFolder(from, source, to, signal);
  }

  async copy(from: string, to: string): Promise<void> {
    if (!(await lstatOrUndefined(from))) throw new Error(`Cannot copy ${from}: it does not exist`);
    await rm(to, { recursive: true, force: true });
    await mkdir(dirname(to), { recursive: true });
    await cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, errorOnExist: true, force: false });
  }

  async exists(path: string): Promise<boolean> {
    return (await lstatOrUndefined(path)) !== undefined;
  }

  async writeFile(path: string, data: string): Promise<void> {
    // A reader sees the old content or the new one, never half of it.
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, data, { mode: 0o600, flag: 'wx' });
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  readFile(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Makes folder `to` hold exactly what `from` holds; the folder's own mode and times are set last. */
async function mirrorFolder(from: string, source: Stats, to: string, signal?: AbortSignal): Promise<void> {
  const existing = await lstatOrUndefined(to);
  if (existing && !existing.isDirectory()) await rm(to, { recursive: true, force: true });
  if (!existing || !existing.isDirectory()) await mkdir(to, { mode: 0o700 });

  const names = await readdir(from);
  const kept = new Set(names);
  for (const name of await readdir(to)) {
    if (kept.has(name)) continue;
    signal?.throwIfAborted();
    await rm(join(to, name), { recursive: true, force: true });
  }
  for (const name of names) {
    signal?.throwIfAborted();
    await mirrorEntry(join(from, name), join(to, name), signal);
  }
  await copyOwner(source, to);
  await chmod(to, source.mode & 0o7777);
  await utimes(to, source.atime, source.mtime);
}

async function mirrorEntry(from: string, to: string, signal?: AbortSignal): Promise<void> {
  const source = await lstat(from);
  if (source.isDirectory()) return mirrorFolder(from, source, to, signal);
  const target = await lstatOrUndefined(to);
  if (source.isSymbolicLink()) return mirrorSymlink(from, source, to, target);
  if (source.isFile()) return mirrorFile(from, source, to, target);
  // Sockets, pipes and devices are runtime artefacts, not data (restic does not restore sockets either).
  if (target) await rm(to, { recursive: true, force: true });
}

async function mirrorFile(from: string, source: Stats, to: string, target: Stats | undefined): Promise<void> {
  const unchanged = target?.isFile() && target.size === source.size && target.mtimeMs === source.mtimeMs
    && (await sameContent(from, to));
  if (!unchanged) {
    if (target?.isDirectory()) await rm(to, { recursive: true, force: true });
    // Copied beside the target and renamed over it: the old file stays whole until the new one is complete.
    const temp = join(dirname(to), `.${basename(to)}.${randomBytes(6).toString('hex')}.sync`);
    try {
      await copyFile(from, temp);
      await rename(temp, to);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
  await copyOwner(source, to);
  await chmod(to, source.mode & 0o7777);
  await utimes(to, source.atime, source.mtime);
}

async function mirrorSymlink(from: string, source: Stats, to: string, target: Stats | undefined): Promise<void> {
  const link = await readlink(from);
  const same = target?.isSymbolicLink() && (await readlink(to)) === link;
  if (!same) {
    if (target) await rm(to, { recursive: true, force: true });
    await symlink(link, to);
  }
  await copyOwner(source, to);
  await lutimes(to, source.atime, source.mtime);
}

/** Byte-for-byte comparison, so a file changed without its size or time changing is still copied. */
async function sameContent(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const ba = Buffer.alloc(COMPARE_CHUNK);
    const bb = Buffer.alloc(COMPARE_CHUNK);
    for (;;) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, COMPARE_CHUNK, null), fb.read(bb, 0, COMPARE_CHUNK, null)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/** Keeps the owner as root (a restore must give the service its files back); other users cannot chown. */
async function copyOwner(source: Stats, to: string): Promise<void> {
  if (process.getuid?.() === 0) await lchown(to, source.uid, source.gid);
}
