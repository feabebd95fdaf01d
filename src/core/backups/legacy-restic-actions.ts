import { CoreError } from '../errors.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { type ConfigurationDeps, initializeRepository } from './backup-configuration.js';
import { legacyResticActivity } from './legacy-restic-activity.js';
import { LEGACY_RESTIC_MESSAGES, legacyRefusal, legacyResticState } from './legacy-restic.js';
import { restoreBackup } from './service-restore.js';
import { allSnapshots, reloadSnapshots } from './snapshots.js';
import { totalBackup } from './total-backup.js';

// What the legacy restic paths do (rest.md §4.7), on the one backup core. The legacy controller answered
// at once and worked in the background; so do these.

/** What the legacy actions touch: the core use cases' ports, the userdata file and background work. */
export type LegacyResticDeps = Parameters<typeof totalBackup>[0] &
  Parameters<typeof restoreBackup>[0] &
  Parameters<typeof allSnapshots>[0] &
  ConfigurationDeps &
  Pick<Deps, 'userData' | 'background' | 'clock' | 'jobs' | 'logger'>;

export interface BackblazeKeys {
  accountId: string;
  accountKey: string;
  bucket: string;
}

/**
 * `PUT /services/restic/backblaze/config`: writes userdata `backblaze` (created when absent, as the legacy
 * controller did) and configures the core with Backblaze in the background; the state is INITIALIZING
 * until that ends, ERROR with its text when it fails. The key never reaches a log line.
 */
export async function legacyConfigureBackblaze(deps: LegacyResticDeps, keys: BackblazeKeys): Promise<void> {
  await deps.userData.update((data) => {
    const current = data.backblaze;
    const backblaze = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
    Object.assign(backblaze, { accountId: keys.accountId, accountKey: keys.accountKey, bucket: keys.bucket });
    data.backblaze = backblaze;
  });
  const repository = { provider: 'BACKBLAZE' as const, login: keys.accountId, password: keys.accountKey, locationName: keys.bucket, locationId: '' };
  legacyResticActivity(deps).start(
    deps,
    'initialization',
    async () => {
      await initializeRepository(deps, repository); // also lists an existing repository's snapshots
    },
    [keys.accountKey],
  );
}

/** `GET /services/restic/backup/reload`: reloads the snapshot cache from restic in the background (a failure shows as ERROR). */
export function legacyReloadSnapshots(deps: LegacyResticDeps): void {
  legacyResticActivity(deps).start(deps, 'reload', async () => {
    await reloadSnapshots(deps);
  });
}

/**
 * `PUT /services/restic/backup/create`: a total backup (the legacy backup covered /var: every service),
 * refused per the legacy state. Two concurrent calls start one: the total backup job's resource decides.
 */
export async function legacyStartBackup(deps: LegacyResticDeps): Promise<Job> {
  const refusal = legacyRefusal((await legacyResticState(deps)).checked, 'backup');
  if (refusal) throw refusal;
  try {
    return await totalBackup(deps);
  } catch (err) {
    throw await legacyBusyError(deps, err, 'backup');
  }
}

/** `PUT /services/restic/backup/restore`: restores one cached snapshot (its short or full id) with DOWNLOAD_VERIFY_OVERWRITE. */
export async function legacyRestoreBackup(deps: LegacyResticDeps, backupId: string): Promise<Job> {
  const refusal = legacyRefusal((await legacyResticState(deps)).checked, 'restore');
  if (refusal) throw refusal;
  const snapshot = (await allSnapshots(deps)).find((s) => s.id === backupId || (s.fullId !== '' && s.fullId === backupId));
  if (!snapshot) throw new CoreError('SNAPSHOT_NOT_FOUND', LEGACY_RESTIC_MESSAGES.backupNotFound);
  try {
    return await restoreBackup(deps, snapshot.id, 'DOWNLOAD_VERIFY_OVERWRITE');
  } catch (err) {
    throw await legacyBusyError(deps, err, 'restore');
  }
}

// The core refused because something holds the resource: if that is a backup or a restore that started
// after our state check, the legacy answer is the one the state check would have given.
async function legacyBusyError(deps: LegacyResticDeps, err: unknown, action: 'backup' | 'restore'): Promise<unknown> {
  if (!(err instanceof CoreError) || (err.code !== 'RESOURCE_BUSY' && err.code !== 'BACKUP_BUSY')) return err;
  const { checked } = await legacyResticState(deps);
  const refusal = checked === 'BACKING_UP' || checked === 'RESTORING' ? legacyRefusal(checked, action) : undefined;
  return refusal ?? err;
}
