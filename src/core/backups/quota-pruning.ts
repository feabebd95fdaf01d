// Pruning automatic snapshots by the retention quotas (§10.6).
import type { Deps } from '../ports.js';
import { repositoryOf } from './backup-configuration.js';
import { withBackupErrors } from './backup-errors.js';
import type { AutobackupQuotas, CachedSnapshot } from './backup-ports.js';
import { reloadSnapshots, serviceSnapshots } from './snapshots.js';

// Date keys use the server's local calendar: the reference keyed on the time restic recorded, which carries
// the offset of the server's time zone when the snapshot was taken (naive dates in its own tests). Here the
// time zone is this process's, the server's own on NixOS.
type BucketKey = (at: Date, position: number) => number;

const BUCKET_KEYS: Record<keyof AutobackupQuotas, BucketKey> = {
  last: (_at, position) => position,
  daily: (at) => at.getFullYear() * 10000 + (at.getMonth() + 1) * 100 + at.getDate(),
  // calendar year with the ISO week number, as the reference wrote it (not the ISO week-numbering year)
  weekly: (at) => at.getFullYear() * 100 + isoWeek(at),
  monthly: (at) => at.getFullYear() * 100 + at.getMonth() + 1,
  yearly: (at) => at.getFullYear(),
};

/**
 * The AUTO snapshots the quotas do not keep, in the order given. Going newest first, each bucket with a quota
 * of -1 (unlimited) or still above 0 keeps a snapshot whose key differs from the last one it kept, and the
 * oldest snapshot always; a quota of 0 turns the bucket off, so all quotas 0 keep nothing.
 */
export function snapshotsToForget(autoSnapshots: readonly CachedSnapshot[], quotas: AutobackupQuotas): CachedSnapshot[] {
  const newestFirst = [...autoSnapshots].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const buckets = (Object.keys(BUCKET_KEYS) as (keyof AutobackupQuotas)[]).map((name) => ({
    key: BUCKET_KEYS[name],
    left: quotas[name],
    last: undefined as number | undefined,
  }));
  const kept = new Set<CachedSnapshot>();
  newestFirst.forEach((snapshot, position) => {
    const oldest = position === newestFirst.length - 1;
    for (const bucket of buckets) {
      if (bucket.left !== -1 && bucket.left <= 0) continue;
      const key = bucket.key(snapshot.createdAt, position);
      if (key === bucket.last && !oldest) continue;
      bucket.last = key;
      if (bucket.left > 0) bucket.left -= 1;
      kept.add(snapshot);
    }
  });
  return autoSnapshots.filter((snapshot) => !kept.has(snapshot));
}

export type PruneDeps = Pick<Deps, 'backupState' | 'restic' | 'logger'>;

/**
 * Forgets the service's AUTO snapshots the stored quotas do not keep, in one `forget --prune`, then reloads
 * the snapshot cache. Answers the forgotten snapshots' ids, oldest first (none: restic is not called).
 */
export async function pruneAutoSnapshots(deps: PruneDeps, serviceId: string): Promise<string[]> {
  const { quotas } = await deps.backupState.readSettings();
  const automatic = (await serviceSnapshots(deps, serviceId)).filter((snapshot) => snapshot.reason === 'AUTO');
  const ids = snapshotsToForget(automatic, quotas)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((snapshot) => snapshot.id);
  if (ids.length === 0) return [];
  const repo = await repositoryOf(deps);
  await withBackupErrors(() => deps.restic.forget(repo, ids));
  await reloadSnapshots(deps);
  return ids;
}

/** The ISO 8601 week number (1 to 53) of the local calendar date. */
export function isoWeek(at: Date): number {
  const day = new Date(Date.UTC(at.getFullYear(), at.getMonth(), at.getDate()));
  const weekday = day.getUTCDay() || 7; // Monday 1 ... Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  return Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
}
