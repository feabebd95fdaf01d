import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  type BackupOptions, type BackupTags, type ResticPort, type ResticRepository, type ResticSnapshot, ResticError,
} from '../../core/backups/backup-types.js';

/** One file system entry as backed up: its absolute path, kind, mode, modification time and content. */
type Entry =
  | { kind: 'dir'; path: string; mode: number; mtime: Date }
  | { kind: 'file'; path: string; mode: number; mtime: Date; data: Buffer }
  | { kind: 'symlink'; path: string; target: string };

interface StoredSnapshot {
  fullId: string;
  time: Date;
  tags: string[];
  paths: string[];
  entries: Entry[];
}

interface Repository {
  key: string;
  snapshots: StoredSnapshot[];
}

/**
 * The MEMORY provider: restic's behaviour with the repositories kept in this process (one per location).
 * Backups read the real files, restores write them back; the key must match, as restic's password does.
 */
export class MemoryRestic implements ResticPort {
  private readonly repositories = new Map<string, Repository>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async initRepository(repo: ResticRepository): Promise<void> {
    if (this.repositories.has(repo.location)) throw new ResticError('FAILED', 'restic init failed: Fatal: create key in repository failed: repository master key and config already initialized');
    this.repositories.set(repo.location, { key: repo.encryptionKey, snapshots: [] });
  }

  async isInitialized(repo: ResticRepository): Promise<boolean> {
    if (!this.repositories.has(repo.location)) return false;
    this.open(repo);
    return true;
  }

  async backup(repo: ResticRepository, paths: readonly string[], tags: BackupTags, options: BackupOptions = {}): Promise<string> {
    const repository = this.open(repo);
    const roots = paths.map((path) => resolve(path));
    const entries: Entry[] = [];
    for (const root of roots) {
      try {
        await collect(root, entries, options.signal);
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw new ResticError('FAILED', `restic backup failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    const files = entries.filter((e) => e.kind === 'file');
    const bytesTotal = files.reduce((sum, f) => sum + f.data.length, 0);
    let bytesDone = 0;
    let filesDone = 0;
    const report = () => options.onProgress?.({
      percent: bytesTotal === 0 ? 0 : Math.floor((bytesDone / bytesTotal) * 100), bytesDone, bytesTotal, filesDone, filesTotal: files.length,
    });
    report();
    for (const file of files) {
      // Each file is a step a stop can fall between; restic writes the snapshot last, so none is stored then.
      await new Promise((resolveStep) => setImmediate(resolveStep));
      if (options.signal?.aborted) throw options.signal.reason;
      bytesDone += file.data.length;
      filesDone++;
      report();
    }
    const fullId = randomBytes(32).toString('hex');
    repository.snapshots.push({ fullId, time: this.now(), tags: [tags.serviceId, tags.reason], paths: roots, entries });
    return fullId.slice(0, 8);
  }

  async listSnapshots(repo: ResticRepository): Promise<ResticSnapshot[]> {
    return this.open(repo).snapshots.map((s) => ({
      id: s.fullId.slice(0, 8),
      fullId: s.fullId,
      time: new Date(s.time),
      tags: [...s.tags],
      paths: [...s.paths],
      serviceId: s.tags[0]!,
      reason: s.tags[1] as ResticSnapshot['reason'],
    }));
  }

  async restore(repo: ResticRepository, snapshotId: string, target: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const snapshot = this.find(this.open(repo), snapshotId, 'restore');
    const written: Entry[] = [];
    try {
      for (const entry of snapshot.entries) {
        if (options.signal?.aborted) throw options.signal.reason;
        await writeEntry(join(target, entry.path), entry);
        written.push(entry);
      }
      // Folders last, deepest first: a read-only one must take its content first, and writing it changed its times.
      for (const entry of written.reverse()) {
        if (entry.kind !== 'dir') continue;
        await chmod(join(target, entry.path), entry.mode);
        await utimes(join(target, entry.path), entry.mtime, entry.mtime);
      }
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new ResticError('FAILED', `restic restore failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async snapshotSize(repo: ResticRepository, snapshotId: string): Promise<number> {
    const snapshot = this.find(this.open(repo), snapshotId, 'stats');
    return snapshot.entries.reduce((sum, e) => sum + (e.kind === 'file' ? e.data.length : 0), 0);
  }

  async forget(repo: ResticRepository, snapshotIds: readonly string[]): Promise<void> {
    const repository = this.open(repo);
    const missing = snapshotIds.filter((id) => !repository.snapshots.some((s) => s.fullId.startsWith(id)));
    repository.snapshots = repository.snapshots.filter((s) => !snapshotIds.some((id) => s.fullId.startsWith(id)));
    if (missing.length > 0) throw new ResticError('FAILED', `restic forget failed: no matching ID found for prefix ${missing.map((id) => `"${id}"`).join(', ')}`);
  }

  async unlock(repo: ResticRepository): Promise<void> {
    this.open(repo);
  }

  private open(repo: ResticRepository): Repository {
    const repository = this.repositories.get(repo.location);
    if (!repository) throw new ResticError('NO_REPOSITORY', 'There is no restic repository at this location');
    if (repository.key !== repo.encryptionKey) {
      throw new ResticError('WRONG_PASSWORD', 'The backup repository did not accept the key: wrong password or no key found');
    }
    return repository;
  }

  private find(repository: Repository, snapshotId: string, subcommand: string): StoredSnapshot {
    const snapshot = snapshotId === '' ? undefined : repository.snapshots.find((s) => s.fullId.startsWith(snapshotId));
    if (!snapshot) throw new ResticError('FAILED', `restic ${subcommand} failed: no matching ID found for prefix "${snapshotId}"`);
    return snapshot;
  }
}

/** Reads `path` and everything below it into `entries` (folders before their content). */
async function collect(path: string, entries: Entry[], signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const info = await lstat(path);
  if (info.isSymbolicLink()) {
    entries.push({ kind: 'symlink', path, target: await readlink(path) });
  } else if (info.isDirectory()) {
    entries.push({ kind: 'dir', path, mode: info.mode & 0o7777, mtime: info.mtime });
    for (const name of (await readdir(path)).sort()) await collect(join(path, name), entries, signal);
  } else if (info.isFile()) {
    entries.push({ kind: 'file', path, mode: info.mode & 0o7777, mtime: info.mtime, data: await readFile(path) });
  }
}

async function writeEntry(path: string, entry: Entry): Promise<void> {
  switch (entry.kind) {
    case 'dir':
      await mkdir(path, { recursive: true });
      return;
    case 'file':
      await mkdir(dirname(path), { recursive: true });
      await rm(path, { force: true });
      await writeFile(path, entry.data, { mode: entry.mode });
      await chmod(path, entry.mode);
      await utimes(path, entry.mtime, entry.mtime);
      return;
    case 'symlink':
      await mkdir(dirname(path), { recursive: true });
      await rm(path, { force: true, recursive: true });
      await symlink(entry.target, path);
      return;
  }
}
