import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { access, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { JsonDocumentStore } from '../../core/ports.js';

export interface JsonFileStoreOptions<T> {
  /**
   * The document when the file does not exist yet (it is written on the first update). Absent: the file
   * must exist, and reading or updating a missing one fails (nothing is created).
   */
  initial?: () => T;
  /** Mode of a newly created file (an existing file keeps its own). */
  mode?: number;
  /** Told when another process may have taken over our lock (it stalled past the stale period). */
  onLockLost?: (err: Error) => void;
}

// A file changed this recently may change again without its times moving (their clock ticks coarsely).
const RACY_MS = 50;

/**
 * A JSON file written the way NixOS tooling expects (4-space indent, key order kept) and safely:
 * updates queue up in this process and take a lock file against other processes; each write goes to
 * a temporary file that is fsynced and renamed over the original, so a crash never leaves it truncated.
 */
export class JsonFileStore<T> implements JsonDocumentStore<T> {
  private queue: Promise<unknown> = Promise.resolve();
  /** The last document readShared parsed, with the file's identity (inode, size, change times) it came from. */
  private shared?: { version: string; document: Readonly<T>; settled: boolean };

  constructor(
    readonly path: string,
    private readonly options: JsonFileStoreOptions<T>,
  ) {
    if (options.initial) mkdirSync(dirname(path), { recursive: true });
  }

  async read(): Promise<T> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (this.options.initial) return this.options.initial();
        throw new MissingDocumentError(this.path);
      }
      // JSON.parse quotes the file's text in its message: a broken secrets file must not reach a log that way.
      if (err instanceof SyntaxError) throw new Error(`${this.path} is not readable JSON: ${syntaxErrorPlace(err)}`);
      throw new Error(`${this.path} is not readable JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * The document, frozen, from the last parse while the file's inode, size and modification and change times
   * are those it was parsed from (one stat instead of a read and a parse); after our own write, at once anew.
   * A file modified within RACY_MS of its parse is parsed again each time, as a same-size rewrite within one
   * tick of the filesystem's clock would keep its times. Writers are unaffected: an update reads under its lock.
   */
  async readShared(): Promise<Readonly<T>> {
    const started = Date.now();
    const info = await stat(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!info) return this.read(); // the initial document, or MissingDocumentError
    const version = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    const known = this.shared;
    if (known?.version === version && known.settled) return known.document;
    const document = deepFreeze(await this.read());
    // a write between the stat and the read makes this parse newer than `version`: it is then parsed again next time
    const changedAt = Math.max(info.mtimeMs, info.ctimeMs);
    this.shared = { version, document, settled: started - changedAt > RACY_MS };
    return document;
  }

  update<R>(change: (draft: T) => R | Promise<R>): Promise<R> {
    const next = this.queue.then(() => this.lockedUpdate(change));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async lockedUpdate<R>(change: (draft: T) => R | Promise<R>): Promise<R> {
    // checked before taking the lock, whose lock file would be the first thing created
    if (!this.options.initial) {
      await access(this.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw new MissingDocumentError(this.path);
      });
    }
    const release = await lockfile.lock(this.path, {
      realpath: false,
      lockfilePath: `${this.path}.lock`,
      // A holder refreshes its lock every `update` ms, so only a dead one's lock goes stale. The retries
      // (about 10 s) must outlast `stale`, or a writer arriving just after a crash fails instead of taking over.
      stale: 5_000,
      update: 1_000,
      retries: { retries: 200, minTimeout: 5, maxTimeout: 50 },
      // The library's default throws from a timer (crashing the process) if the lock was lost, e.g. when
      // the event loop stalled past `stale`; the write still goes through a rename, so only report it.
      onCompromised: (err) => this.options.onLockLost?.(err),
    });
    try {
      const draft = await this.read();
      const result = await change(draft);
      await this.write(draft);
      this.shared = undefined;
      return result;
    } finally {
      await release();
    }
  }

  private async write(document: T): Promise<void> {
    // Like Python's json.dump, which wrote these files before: every non-ASCII character as a \uXXXX escape.
    const json = JSON.stringify(document, null, 4).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const text = `${json}\n`;
    const temp = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    const mode = await stat(this.path).then(
      (s) => s.mode & 0o7777,
      () => this.options.mode ?? 0o644,
    );
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.chmod(mode); // open() applies the umask, which would strip bits the existing file has
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

/** A file that must exist (the NixOS userdata: the host's whole configuration) is missing. */
export class MissingDocumentError extends Error {
  override name = 'MissingDocumentError';
  constructor(readonly path: string) {
    super(`${path} does not exist; it is never created from scratch (an empty one would become a skeletal configuration)`);
  }
}

function deepFreeze<D>(value: D): D {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function syntaxErrorPlace(err: SyntaxError): string {
  const position = /at position (\d+)/.exec(err.message)?.[1];
  return position === undefined ? 'syntax error' : `syntax error at position ${position}`;
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
