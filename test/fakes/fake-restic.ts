import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type BackupOptions, type BackupProgress, type BackupTags, ResticError, type ResticPort, type ResticRepository, type ResticSnapshot,
  resticRepositoryString,
} from '../../src/core/backups/backup-types.js';

/** One entry of a snapshot: a folder, or a file with its bytes, under its full real path. */
export type FakeEntry = { path: string; kind: 'dir' } | { path: string; kind: 'file'; data: Buffer };

export interface FakeSnapshot extends ResticSnapshot {
  entries: FakeEntry[];
}

interface FakeRepository {
  key: string;
  snapshots: FakeSnapshot[];
}

export type ResticMethod = keyof ResticPort;

/**
 * restic in memory, recording every call as one line (`init FILE:/repo`, `backup nextcloud EXPLICIT /data/a /data/b`,
 * `restore 0000a001 /restores/side`, `forget 0000a001 0000a002`). A backup reads the real folders' files into the
 * snapshot and a restore writes them back under the target, so tests see real bytes. Knobs: `fail` a method,
 * `progress` reported by each backup, `gate` to hold a call (until a signal aborts, say), `addSnapshot` to seed.
 */
export class FakeRestic implements ResticPort {
  readonly calls: string[] = [];
  /** Repositories by provider and location (`FILE:/backups`). */
  readonly repositories = new Map<string, FakeRepository>();
  /** Reported, in order, by each backup before it completes. */
  progress: BackupProgress[] = [];
  /** Awaited by every call after it is recorded: hold a call, or look at the world while it runs. */
  gate?: (method: ResticMethod, signal?: AbortSignal) => Promise<void>;
  /** `stats` answers this when set, else the bytes of the snapshot's files. */
  sizeOverride?: number;
  private failures = new Map<ResticMethod, { error: Error; times: number }>();
  private nextId = 0xa001;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Makes the next `times` calls of `method` reject with `error` (a ResticError FAILED by default). */
  fail(method: ResticMethod, error: Error | string = `restic ${method} failed`, times = Infinity): void {
    this.failures.set(method, { error: typeof error === 'string' ? new ResticError('FAILED', error) : error, times });
  }

  /** Seeds a snapshot with these files (path -> content) in the repository, as if an earlier backup made it. */
  addSnapshot(repo: ResticRepository, snapshot: { serviceId: string; reason?: ResticSnapshot['reason']; time: Date; files: Record<string, string> }): FakeSnapshot {
    const entries: FakeEntry[] = Object.entries(snapshot.files).map(([path, data]) => ({ path, kind: 'file', data: Buffer.from(data) }));
    const made = this.makeSnapshot(snapshot.serviceId, snapshot.reason ?? 'EXPLICIT', snapshot.time, Object.keys(snapshot.files), entries);
    this.repository(repo).snapshots.push(made);
    return made;
  }

  async initRepository(repo: ResticRepository): Promise<void> {
    await this.enter('initRepository', `init ${where(repo)}`);
    if (this.repositories.has(where(repo))) throw new ResticError('FAILED', 'restic init failed: Fatal: create key in repository failed: repository master key and config already initialized');
    this.repositories.set(where(repo), { key: repo.encryptionKey, snapshots: [] });
  }

  async isInitialized(repo: ResticRepository): Promise<boolean> {
    await this.enter('isInitialized', `isInitialized ${where(repo)}`);
    const found = this.repositories.get(where(repo));
    if (!found) return false;
    this.open(repo);
    return true;
  }

  async backup(repo: ResticRepository, paths: readonly string[], tags: BackupTags, options: BackupOptions = {}): Promise<string> {
    await this.enter('backup', `backup ${tags.serviceId} ${tags.reason} ${paths.join(' ')}`, options.signal);
    const repository = this.open(repo);
    const entries: FakeEntry[] = [];
    for (const path of paths) entries.push(...(await readTree(path)));
    if (entries.length === 0) throw new ResticError('FAILED', 'restic backup failed: Fatal: all source directories/files do not exist');
    for (const progress of this.progress) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ ...progress });
    }
    options.signal?.throwIfAborted();
    const snapshot = this.makeSnapshot(tags.serviceId, tags.reason, this.now(), [...paths], entries);
    repository.snapshots.push(snapshot);
    return snapshot.id;
  }

  async listSnapshots(repo: ResticRepository): Promise<ResticSnapshot[]> {
    await this.enter('listSnapshots', 'snapshots');
    return this.open(repo).snapshots.map(({ entries: _entries, ...snapshot }) => structuredClone(snapshot));
  }

  async restore(repo: ResticRepository, snapshotId: string, target: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.enter('restore', `restore ${snapshotId} ${target}`, options.signal);
    const snapshot = this.snapshot(repo, snapshotId);
    for (const entry of snapshot.entries) {
      options.signal?.throwIfAborted();
      const to = join(target, entry.path);
      if (entry.kind === 'dir') await mkdir(to, { recursive: true });
      else {
        await mkdir(dirname(to), { recursive: true });
        await writeFile(to, entry.data);
      }
    }
  }

  async snapshotSize(repo: ResticRepository, snapshotId: string): Promise<number> {
    await this.enter('snapshotSize', `stats ${snapshotId}`);
    const snapshot = this.snapshot(repo, snapshotId);
    return this.sizeOverride ?? snapshot.entries.reduce((sum, e) => sum + (e.kind === 'file' ? e.data.length : 0), 0);
  }

  async forget(repo: ResticRepository, snapshotIds: readonly string[]): Promise<void> {
    await this.enter('forget', `forget ${snapshotIds.join(' ')}`);
    const repository = this.open(repo);
    for (const id of snapshotIds) this.snapshot(repo, id);
    repository.snapshots = repository.snapshots.filter((s) => !snapshotIds.includes(s.id));
  }

  async unlock(repo: ResticRepository): Promise<void> {
    await this.enter('unlock', 'unlock');
    this.open(repo);
  }

  /** The snapshots of a repository (for assertions). */
  snapshotsIn(repo: ResticRepository): FakeSnapshot[] {
    return this.repositories.get(where(repo))?.snapshots ?? [];
  }

  private async enter(method: ResticMethod, call: string, signal?: AbortSignal): Promise<void> {
    this.calls.push(call);
    await this.gate?.(method, signal);
    signal?.throwIfAborted();
    const failure = this.failures.get(method);
    if (failure && failure.times > 0) {
      failure.times--;
      throw failure.error;
    }
  }

  private repository(repo: ResticRepository): FakeRepository {
    const key = where(repo);
    if (!this.repositories.has(key)) this.repositories.set(key, { key: repo.encryptionKey, snapshots: [] });
    return this.repositories.get(key)!;
  }

  private open(repo: ResticRepository): FakeRepository {
    const found = this.repositories.get(where(repo));
    if (!found) throw new ResticError('NO_REPOSITORY', 'There is no restic repository at this location');
    if (found.key !== repo.encryptionKey) throw new ResticError('WRONG_PASSWORD', 'The backup repository did not accept the key: wrong password or no key found');
    return found;
  }

  private snapshot(repo: ResticRepository, id: string): FakeSnapshot {
    const found = this.open(repo).snapshots.find((s) => s.id === id);
    if (!found) throw new ResticError('FAILED', `restic failed: Fatal: no matching ID found for prefix "${id}"`);
    return found;
  }

  private makeSnapshot(serviceId: string, reason: ResticSnapshot['reason'], time: Date, paths: string[], entries: FakeEntry[]): FakeSnapshot {
    const id = (this.nextId++).toString(16).padStart(8, '0');
    return { id, fullId: id.repeat(8), time, tags: [serviceId, reason], paths, serviceId, reason, entries };
  }
}

// NONE has no repository string: asking for it throws restic's NOT_CONFIGURED, as the real adapter does.
function where(repo: ResticRepository): string {
  resticRepositoryString(repo.provider, repo.location);
  return `${repo.provider}:${repo.location}`;
}

async function readTree(path: string): Promise<FakeEntry[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) return [{ path, kind: 'file', data: await readFile(path) }];
  const entries: FakeEntry[] = [{ path, kind: 'dir' }];
  for (const name of (await readdir(path)).sort()) entries.push(...(await readTree(join(path, name))));
  return entries;
}
