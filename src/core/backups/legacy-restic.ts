import { CoreError } from '../errors.js';
import { listJobs } from '../jobs/jobs.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { type ConfigurationDeps, isRepositoryInitialized } from './backup-configuration.js';
import type { CachedSnapshot } from './backup-ports.js';
import { legacyResticActivity } from './legacy-restic-activity.js';
import { allSnapshots } from './snapshots.js';

// The 1.2.x restic controller's view (rest.md §4.7) of the one backup core: its seven states, its
// snapshot list and the checks and texts of its create and restore paths.

export const LEGACY_RESTIC_MESSAGES = {
  noKey: 'No key provided',
  backupInitializing: 'Backup is initializing',
  backupRunning: 'Backup is already running',
  notInitialized: 'Repository is not initialized',
  repositoryInitializing: 'Repository is initializing',
  restoreRunning: 'Restore is already running',
  backupNotFound: 'Backup not found',
  settingsSaved: 'New Backblaze settings saved',
  reloadStarted: 'Snapshots reload started',
  backupStarted: 'Backup creation has started',
  restoreStarted: 'Backup restoration procedure started',
} as const;

export const LEGACY_RESTIC_STATES = ['NO_KEY', 'INITIALIZING', 'NOT_INITIALIZED', 'INITIALIZED', 'BACKING_UP', 'RESTORING', 'ERROR'] as const;
export type LegacyResticState = (typeof LEGACY_RESTIC_STATES)[number];

/** `GET /services/restic/backup/status`, field names as the legacy controller sent them. */
export interface LegacyResticStatus {
  status: LegacyResticState;
  /** The running backup's progress as a fraction 0..1; 0 otherwise. */
  progress: number;
  /** The text of the last failure (kept after later successes, as the legacy controller did); null when none. */
  error_message: string | null;
}

/** One entry of `GET /services/restic/backup/list`: restic's snapshot object, with only what we know. */
export interface LegacySnapshot {
  short_id: string;
  id: string;
  time: string;
  paths: string[];
  tags: string[];
}

type StatusDeps = ConfigurationDeps & Pick<Deps, 'jobs' | 'clock'>;

const isBackupJob = (job: Job) => /^services\..+\.backup$/.test(job.typeId) || job.typeId === 'backups.total_backup' || job.typeId === 'backups.autobackup';
const isRestoreJob = (job: Job) => /^services\..+\.restore$/.test(job.typeId) || job.typeId === 'backups.total_restore';
const isUnfinished = (job: Job) => job.status === 'CREATED' || job.status === 'RUNNING';
const newestFirst = (a: { at: Date }, b: { at: Date }) => b.at.getTime() - a.at.getTime();

/** The state the legacy paths show, and the one their create and restore checks go by. */
export interface LegacyStateReading {
  shown: LegacyResticStatus;
  checked: LegacyResticState;
}

/**
 * The legacy state, first match wins: INITIALIZING (a legacy initialisation runs in this process), NO_KEY
 * (no provider), BACKING_UP / RESTORING (an unfinished backup / restore job), NOT_INITIALIZED (neither the
 * stored flag nor restic says a repository is there), ERROR (the latest background reload, initialisation,
 * backup or restore failed), else INITIALIZED. A failed legacy initialisation or reload shows as ERROR over
 * NO_KEY and NOT_INITIALIZED: it is what the legacy caller waits to hear about; the checks still refuse as
 * NO_KEY / NOT_INITIALIZED.
 */
export async function legacyResticState(deps: StatusDeps): Promise<LegacyStateReading> {
  const activity = legacyResticActivity(deps);
  const [settings, jobs] = await Promise.all([deps.backupState.readSettings(), listJobs(deps)]);
  const own = activity.lastOutcome;
  const outcomes = [...jobOutcomes(jobs), ...(own ? [own] : [])].sort(newestFirst);
  const failures = [...outcomes, ...(activity.lastFailure ? [activity.lastFailure] : [])].filter((o) => o.failure !== null);
  const error_message = failures.sort(newestFirst)[0]?.failure ?? null;
  const backup = runningBackup(jobs);
  const checked = await (async (): Promise<LegacyResticState> => {
    if (activity.initializing) return 'INITIALIZING';
    if (settings.provider === 'NONE') return 'NO_KEY';
    if (backup) return 'BACKING_UP';
    if (jobs.some((job) => isRestoreJob(job) && isUnfinished(job))) return 'RESTORING';
    // a repository connected with its key (localSecret) is confirmed by restic once, as the configuration query does
    if (!settings.initialized && !(await isRepositoryInitialized(deps))) return 'NOT_INITIALIZED';
    return outcomes[0]?.failure ? 'ERROR' : 'INITIALIZED';
  })();
  const ownFailureLast = own?.failure != null && outcomes[0] === own;
  const status = ownFailureLast && (checked === 'NO_KEY' || checked === 'NOT_INITIALIZED') ? 'ERROR' : checked;
  const progress = checked === 'BACKING_UP' ? (backup!.progress ?? 0) / 100 : 0;
  return { shown: { status, progress, error_message }, checked };
}

/** `GET /services/restic/backup/status`. */
export async function legacyResticStatus(deps: StatusDeps): Promise<LegacyResticStatus> {
  return (await legacyResticState(deps)).shown;
}

// Finished backup and restore jobs as outcomes (a restore words its failure in statusText, §10.5).
function jobOutcomes(jobs: readonly Job[]) {
  return jobs
    .filter((job) => (isBackupJob(job) || isRestoreJob(job)) && !isUnfinished(job) && job.finishedAt)
    .map((job) => ({ at: job.finishedAt!, failure: job.status === 'ERROR' ? job.error || job.statusText || job.status : null }));
}

// The whole-run jobs (total, automatic) speak for the service backups they run; else the newest service backup.
function runningBackup(jobs: readonly Job[]): Job | undefined {
  const running = jobs.filter((job) => isBackupJob(job) && isUnfinished(job)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return running.find((job) => job.typeId.startsWith('backups.')) ?? running[0];
}

/** `GET /services/restic/backup/list`: the cached snapshots, oldest first as restic lists them; [] before anything was listed. */
export async function legacySnapshotList(deps: Parameters<typeof allSnapshots>[0]): Promise<LegacySnapshot[]> {
  const snapshots = await allSnapshots(deps);
  return [...snapshots].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).map(toLegacySnapshot);
}

// No hostname, username or tree: the cache does not keep them and the legacy list never needed them.
export function toLegacySnapshot(snapshot: CachedSnapshot): LegacySnapshot {
  return {
    short_id: snapshot.id,
    id: snapshot.fullId || snapshot.id,
    time: snapshot.createdAt.toISOString(),
    paths: [...snapshot.paths],
    tags: [snapshot.serviceId, snapshot.reason],
  };
}

/** The legacy refusal for `state` before a backup (create) or a restore, in the spec's check order; undefined to proceed. */
export function legacyRefusal(state: LegacyResticState, action: 'backup' | 'restore'): CoreError | undefined {
  const M = LEGACY_RESTIC_MESSAGES;
  if (state === 'NO_KEY') return new CoreError('BACKUP_NOT_CONFIGURED', M.noKey);
  if (state === 'BACKING_UP') return new CoreError('RESOURCE_BUSY', M.backupRunning);
  if (action === 'backup') return state === 'INITIALIZING' ? new CoreError('BACKUP_BUSY', M.backupInitializing) : undefined;
  if (state === 'NOT_INITIALIZED') return new CoreError('BACKUP_NOT_CONFIGURED', M.notInitialized);
  if (state === 'INITIALIZING') return new CoreError('BACKUP_BUSY', M.repositoryInitializing);
  if (state === 'RESTORING') return new CoreError('RESOURCE_BUSY', M.restoreRunning);
  return undefined;
}
