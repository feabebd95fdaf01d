import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';

// The simulated server's files are real: every host folder lives under one root folder in DATA_DIR, so
// backups and restores move real bytes and a restore can be checked by reading them.

/** Folders that start empty: the API's settings stash is filled by its own backup. */
const STARTS_EMPTY = new Set(['/etc/selfprivacy/dump']);
/** Which service a data folder belongs to, by the folder's last name (the same wherever it was moved). */
const SERVICE_NAMES: Record<string, string> = {
  vmail: 'Mail Server', sieve: 'Mail Server', nextcloud: 'Nextcloud', gitea: 'Forgejo', bitwarden_rs: 'Bitwarden',
  pleroma: 'Pleroma', 'jitsi-meet': 'JitsiMeet', prometheus: 'Prometheus',
};
const DUMP_HEADER = '-- simulated pg_dump of ';

/** The host path `folder` (absolute; `..` cannot climb out) on this machine, following the bind mounts (target -> source). */
export function simulatedFilesPath(root: string, mounts: Readonly<Record<string, string>>, folder: string): string {
  const path = posix.resolve('/', folder);
  let best: string | undefined;
  for (const target of Object.keys(mounts)) {
    if ((path === target || path.startsWith(`${target}/`)) && (!best || target.length > best.length)) best = target;
  }
  return join(root, best ? mounts[best]! + path.slice(best.length) : path);
}

/** Creates each missing data folder (its real location) with a few sample files; existing folders are left alone. */
export async function createSampleFolders(root: string, folders: readonly string[]): Promise<void> {
  for (const folder of folders) {
    const real = join(root, folder);
    // Owner-only, as everything in DATA_DIR.
    if (STARTS_EMPTY.has(folder)) {
      await mkdir(dirname(real), { recursive: true, mode: 0o700 });
      continue;
    }
    if (await exists(real)) continue;
    await mkdir(join(real, 'nested', 'deeper'), { recursive: true, mode: 0o700 });
    const name = SERVICE_NAMES[posix.basename(folder)] ?? posix.basename(folder);
    const file = { mode: 0o600 };
    await writeFile(join(real, 'welcome.txt'), `Sample data of ${name} on the simulated server (${folder}).\n`, file);
    await writeFile(join(real, 'sample.bin'), sampleBytes(folder), file);
    await writeFile(join(real, 'nested', 'deeper', 'notes.md'), `# ${name}\n\nA nested file, to check that restores bring whole trees back.\n`, file);
  }
}

/**
 * Moves the real folder of host path `from` (when it exists) to `to`, creating the parents of `to`; an empty
 * folder at `to` is replaced, one with files refused, as `mv -T` does (and with its words: host paths only).
 */
export async function moveRealFolder(root: string, from: string, to: string): Promise<void> {
  if (!(await exists(join(root, from)))) return;
  try {
    await mkdir(dirname(join(root, to)), { recursive: true, mode: 0o700 });
    await rename(join(root, from), join(root, to));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOTEMPTY' || code === 'EEXIST' ? 'Directory not empty' : code === 'ENOTDIR' ? 'Not a directory' : String(code);
    throw new Error(`mv: cannot move '${from}' to '${to}': ${why}`);
  }
}

/** Writes a small text dump of `database` at the real path `file`, creating its folder. */
export async function writeSimulatedDump(file: string, database: string, at: Date): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${DUMP_HEADER}${database} at ${at.toISOString()}\n-- database: ${database}\n`, { mode: 0o600 });
}

/** The database a dump written by writeSimulatedDump holds; fails as pg_restore would on anything else. */
export async function readSimulatedDump(file: string, hostPath: string): Promise<string> {
  const fail = (why: string) => new Error(`pg_restore of ${hostPath} failed (exit code 1): pg_restore: error: ${why}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw fail(`could not open input file "${hostPath}": No such file or directory`);
  }
  const database = /^-- database: (.+)$/m.exec(text)?.[1];
  if (!text.startsWith(DUMP_HEADER) || !database) throw fail('input file does not appear to be a valid archive');
  return database;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** 2 KiB of pseudo-random bytes (not text), the same for the same folder. */
function sampleBytes(folder: string): Buffer {
  const chunks: Buffer[] = [];
  let digest = createHash('sha256').update(folder).digest();
  for (let i = 0; i < 64; i++) {
    chunks.push(digest);
    digest = createHash('sha256').update(digest).digest();
  }
  return Buffer.concat(chunks);
}
