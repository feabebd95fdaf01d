import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { JsonDocumentStore } from '../../core/ports.js';

export interface JsonFileStoreOptions<T> {
  /** The document when the file does not exist yet (it is written on the first update). */
  initial: () => T;
  /** Mode of a newly created file (an existing file keeps its own). */
  mode?: number;
}

/**
 * A JSON file written the way NixOS tooling expects (4-space indent, key order kept) and safely:
 * updates queue up in this process and take a lock file against other processes; each write goes to
 * a temporary file that is fsynced and renamed over the original, so a crash never leaves it truncated.
 */
export class JsonFileStore<T> implements JsonDocumentStore<T> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly options: JsonFileStoreOptions<T>,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  async read(): Promise<T> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.options.initial();
      throw new Error(`${this.path} is not readable JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  update<R>(change: (draft: T) => R | Promise<R>): Promise<R> {
    const next = this.queue.then(() => this.lockedUpdate(change));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async lockedUpdate<R>(change: (draft: T) => R | Promise<R>): Promise<R> {
    const release = await lockfile.lock(this.path, {
      realpath: false,
      lockfilePath: `${this.path}.lock`,
      stale: 10_000,
      update: 2_000,
      retries: { retries: 200, minTimeout: 5, maxTimeout: 50 },
    });
    try {
      const draft = await this.read();
      const result = await change(draft);
      await this.write(draft);
      return result;
    } finally {
      await release();
    }
  }

  private async write(document: T): Promise<void> {
    const text = `${JSON.stringify(document, null, 4)}\n`;
    const temp = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    const mode = await stat(this.path).then(
      (s) => s.mode & 0o7777,
      () => this.options.mode ?? 0o644,
    );
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    await syncDirectory(dirname(this.path));
  }
}

// The rename itself is durable only once the directory entry is on disk.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    await handle.close();
  }
}
