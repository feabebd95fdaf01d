import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * The process creates everything with umask 077: only its owner may read or write what it writes.
 * The API creates local users, and any of them could otherwise read or forge the embedded database.
 */
export function restrictNewFilesToOwner(): void {
  process.umask(0o077);
}

/**
 * Makes `dir` and everything under it owner-only (folders 0700, files 0600), as an older version, or the
 * embedded database's own initialisation, may have left them open. Symbolic links are not followed.
 * Returns how many entries it changed.
 */
export async function makeOwnerOnly(dir: string): Promise<number> {
  let changed = 0;
  const visit = async (path: string): Promise<void> => {
    const stat = await lstat(path).catch(ifGone(undefined));
    if (!stat || stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? FOLDER_MODE : FILE_MODE;
    if ((stat.mode & 0o7777) !== wanted && (await chmod(path, wanted).then(() => true, ifGone(false)))) changed += 1;
    if (stat.isDirectory()) for (const name of await readdir(path).catch(ifGone([]))) await visit(join(path, name));
  };
  await visit(dir);
  return changed;
}

// The database may remove a file (a recycled WAL segment) while the tree is walked: nothing left to protect.
function ifGone<T>(value: T): (err: NodeJS.ErrnoException) => T {
  return (err) => {
    if (err.code === 'ENOENT') return value;
    throw err;
  };
}
