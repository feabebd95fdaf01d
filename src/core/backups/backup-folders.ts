import type { Deps } from '../ports.js';
import type { ServiceDefinition } from '../services/service-types.js';
import { BACKUP_STEPS } from './backup-messages.js';
import type { ReportProgress } from '../jobs/job-runner.js';

// What a service's snapshot holds besides its data folders (§10.3): dumps of its databases, and for the API
// itself a stash of its settings. Host folders here; real paths come from `host.filesPath`.

const DUMPS_ROOT = '/var/lib/postgresql-dumps';
/** Where the API's settings are stashed to be backed up (the API's one backup folder). */
export const SETTINGS_STASH = '/etc/selfprivacy/dump';
export const DKIM_FOLDER = '/var/dkim';
export const STASHED = { userData: 'userdata.json', secrets: 'secrets.json', dkim: 'dkim' } as const;

export type FolderDeps = Pick<Deps, 'host' | 'backupFiles' | 'userData' | 'secrets' | 'logger'>;

/** The folder holding a service's database dumps. */
export function dumpsFolder(serviceId: string): string {
  return `${DUMPS_ROOT}/${serviceId}`;
}

/** The dump file of one database. */
export function dumpFile(serviceId: string, database: string): string {
  return `${dumpsFolder(serviceId)}/${database}.dump`;
}

/** Every host folder a snapshot of the service holds. */
export function foldersToBackUp(service: ServiceDefinition): string[] {
  return service.postgresDatabases.length > 0 ? [...service.backupFolders, dumpsFolder(service.id)] : [...service.backupFolders];
}

/** Dumps the service's databases, or stashes the API's settings, into the folders the backup then holds. */
export async function prepareBackup(deps: FolderDeps, service: ServiceDefinition, report: ReportProgress, signal: AbortSignal): Promise<void> {
  if (service.kind === 'api') {
    await report({ statusText: BACKUP_STEPS.stashingSettings });
    await stashSettings(deps);
  }
  if (service.postgresDatabases.length === 0) return;
  await deps.backupFiles.emptyFolder(deps.host.filesPath(dumpsFolder(service.id)));
  for (const database of service.postgresDatabases) {
    signal.throwIfAborted();
    await report({ statusText: BACKUP_STEPS.dumpingDatabase(database) });
    await deps.host.dumpDatabase(database, dumpFile(service.id, database), signal);
  }
}

/** Removes the dumps or the stash a backup or restore left (a failure is logged: the work itself is done). */
export async function removeBackupLeftovers(deps: FolderDeps, service: ServiceDefinition): Promise<void> {
  const leftovers = [
    ...(service.kind === 'api' ? [SETTINGS_STASH] : []),
    ...(service.postgresDatabases.length > 0 ? [dumpsFolder(service.id)] : []),
  ];
  for (const folder of leftovers) {
    await deps.backupFiles.remove(deps.host.filesPath(folder)).catch((err: unknown) => {
      deps.logger.error('backup leftovers not removed', { service: service.id, folder, error: String(err) });
    });
  }
}

// A fresh stash: the userdata and secrets documents as they are now, and the DKIM keys when there are any.
async function stashSettings(deps: FolderDeps): Promise<void> {
  const stash = deps.host.filesPath(SETTINGS_STASH);
  await deps.backupFiles.remove(stash);
  await deps.backupFiles.emptyFolder(stash);
  await deps.backupFiles.writeFile(`${stash}/${STASHED.userData}`, JSON.stringify(await deps.userData.read(), null, 2));
  await deps.backupFiles.writeFile(`${stash}/${STASHED.secrets}`, JSON.stringify(await deps.secrets.read(), null, 2));
  const dkim = deps.host.filesPath(DKIM_FOLDER);
  if (await deps.backupFiles.exists(dkim)) await deps.backupFiles.copy(dkim, `${stash}/${STASHED.dkim}`);
}
