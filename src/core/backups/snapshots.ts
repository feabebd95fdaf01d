import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { isRepositoryInitialized, repositoryOf } from './backup-configuration.js';
import { backupError, withBackupErrors } from './backup-errors.js';
import { BACKUP_MESSAGES } from './backup-messages.js';
import type { CachedSnapshot } from './backup-ports.js';
import type { ResticRepository } from './backup-types.js';

type SnapshotDeps = Pick<Deps, 'backupState' | 'restic' | 'logger'>;

/** Every cached snapshot (no restic call); [] while no repository is initialised. */
export async function allSnapshots(deps: SnapshotDeps): Promise<CachedSnapshot[]> {
  if (!(await isRepositoryInitialized(deps))) return [];
  return deps.backupState.listSnapshots();
}

/** The cached snapshots of one service, oldest first. */
export async function serviceSnapshots(deps: SnapshotDeps, serviceId: string): Promise<CachedSnapshot[]> {
  return (await allSnapshots(deps)).filter((s) => s.serviceId === serviceId);
}

/** Replaces the whole cache with restic's snapshot list (empty for the NONE provider); BACKUP_FAILED when restic fails. */
export async function reloadSnapshots(deps: SnapshotDeps): Promise<CachedSnapshot[]> {
  const settings = await deps.backupState.readSettings();
  const snapshots = settings.provider === 'NONE' ? [] : await snapshotsIn(deps, await repositoryOf(deps));
  await deps.backupState.replaceSnapshots(snapshots);
  return snapshots;
}

/** The snapshots restic lists in `repo`, oldest first, as the cache keeps them. */
export async function snapshotsIn(deps: Pick<Deps, 'restic'>, repo: ResticRepository): Promise<CachedSnapshot[]> {
  const listed = await withBackupErrors(() => deps.restic.listSnapshots(repo));
  return listed
    .map(({ id, fullId, serviceId, reason, time, paths }) => ({ id, fullId, serviceId, reason, createdAt: time, paths }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** The snapshot with this id, reloading the cache once when it is not there; SNAPSHOT_NOT_FOUND otherwise. */
export async function findSnapshot(deps: SnapshotDeps, id: string): Promise<CachedSnapshot> {
  const cached = (await deps.backupState.listSnapshots()).find((s) => s.id === id);
  if (cached) return cached;
  const reloaded = (await reloadSnapshots(deps)).find((s) => s.id === id);
  if (!reloaded) throw new CoreError('SNAPSHOT_NOT_FOUND', BACKUP_MESSAGES.snapshotNotFound(id));
  return reloaded;
}

/** `restic forget <id> --prune`, then a reload; SNAPSHOT_NOT_FOUND, or BACKUP_FAILED with restic's text. */
export async function forgetSnapshot(deps: SnapshotDeps, id: string): Promise<void> {
  const snapshot = await findSnapshot(deps, id);
  const repo = await repositoryOf(deps);
  try {
    await deps.restic.forget(repo, [snapshot.id]);
  } catch (err) {
    throw backupError(err);
  }
  await reloadSnapshots(deps);
}
