import { mkdirSync } from 'node:fs';
import lockfile from 'proper-lockfile';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/**
 * PGlite allows one process per data directory: take an exclusive lock on it,
 * refreshed while we run and considered stale if its holder died.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, { stale: 10_000, update: 3_000, lockfilePath: `${dir}.lock` });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new DataDirInUseError(
        `The embedded database in ${dir} is in use by another process (most likely the running API server). ` +
          'PGlite allows one process at a time: stop the server first, or point DATABASE_URL at PostgreSQL.',
      );
    }
    throw err;
  }
}
