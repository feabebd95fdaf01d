import { waitForUnitStates } from '../host/unit-waits.js';
import type { Deps } from '../ports.js';
import { moduleSettings, moduleSettingsDraft } from '../services/service-fields.js';
import type { ServiceDefinition } from '../services/service-types.js';
import type { UserData } from '../userdata/userdata-types.js';
import { DKIM_FOLDER, type FolderDeps, SETTINGS_STASH, STASHED, dumpFile } from './backup-folders.js';
import { RESTORE_STEPS } from './backup-messages.js';
import type { CachedSnapshot } from './backup-ports.js';
import type { ResticRepository } from './backup-types.js';
import type { ReportProgress } from '../jobs/job-runner.js';

// The steps of restoring one snapshot (§10.5) that touch the machine: units, folders, databases, settings.

export type RestoreStepDeps = FolderDeps & Pick<Deps, 'restic' | 'clock' | 'serviceMonitor'>;

const UNIT_WAIT_MS = 5 * 60 * 1000;
const RUNNING = ['active', 'activating', 'reloading'];
// Emptying a folder a process still writes to can fail for a while after the service stopped (§10.5: 60 s).
const EMPTY_RETRY_MS = 60 * 1000;
const EMPTY_RETRY_PAUSE_MS = 2000;

/** Fails with `we only have <a> bytes but snapshot needs <n>` when the first folder's filesystem is too small. */
export async function checkSpace(deps: RestoreStepDeps, repo: ResticRepository, snapshotId: string, folders: readonly string[]): Promise<void> {
  const needed = await deps.restic.snapshotSize(repo, snapshotId);
  const available = await deps.host.freeBytes(folders[0] ?? '/');
  if (needed > available) throw new Error(RESTORE_STEPS.notEnoughSpace(available, needed));
}

/**
 * Stops the service's running units and waits until every unit is inactive or failed. Each unit is added to
 * `stopped` before it is stopped, so the caller starts again exactly those, whatever happens.
 */
export async function stopUnits(deps: RestoreStepDeps, service: ServiceDefinition, stopped: string[], signal: AbortSignal): Promise<void> {
  if (service.kind === 'api' || service.units.length === 0) return; // the API cannot stop itself and go on
  const states = await deps.host.unitStates(service.units, signal);
  for (const unit of service.units.filter((u) => RUNNING.includes(states.get(u)?.activeState ?? ''))) {
    stopped.push(unit);
    await deps.host.stopUnit(unit);
  }
  deps.serviceMonitor.forgetUnitStates();
  if (!(await waitForUnitStates(deps, service.units, ['inactive', 'failed'], UNIT_WAIT_MS, signal))) {
    throw new Error(RESTORE_STEPS.serviceDidNotStop(service.displayName));
  }
}

/** Starts the units again (each one tried even when another fails); waits for them only after a success. */
export async function startUnits(deps: RestoreStepDeps, service: ServiceDefinition, units: readonly string[], wait: boolean): Promise<void> {
  for (const unit of units) {
    const exitCode = await deps.host.startUnit(unit).catch((err: unknown) => String(err));
    if (exitCode !== 0) deps.logger.error('unit not started again after a restore', { service: service.id, unit, exitCode });
  }
  if (units.length === 0) return;
  deps.serviceMonitor.forgetUnitStates();
  if (wait && !(await waitForUnitStates(deps, units, ['active'], UNIT_WAIT_MS))) {
    deps.logger.warn('service did not become active after the restore', { service: service.id });
  }
}

/**
 * Where a folder's files are in a snapshot: under its real path now, or, for a folder whose real path changed
 * since (the simulated host follows a moved service's bind mount), under the one snapshot path of the same name.
 */
export function pathInSnapshot(snapshot: CachedSnapshot, real: string): string {
  if (snapshot.paths.includes(real)) return real;
  const sameName = snapshot.paths.filter((path) => baseName(path) === baseName(real));
  return sameName.length === 1 ? sameName[0]! : real;
}

/** INPLACE writes each folder back where the snapshot found it: that must be where the folder is now. */
export function checkFoldersInPlace(deps: RestoreStepDeps, snapshot: CachedSnapshot, folders: readonly string[]): void {
  for (const folder of folders) {
    const real = deps.host.filesPath(folder);
    const was = pathInSnapshot(snapshot, real);
    if (was !== real) throw new Error(RESTORE_STEPS.folderElsewhere(folder, was));
  }
}

/** Restores into a private side folder (restic verifies what it wrote), then makes each real folder a copy of it. */
export async function restoreThroughSideFolder(
  deps: RestoreStepDeps, repo: ResticRepository, snapshot: CachedSnapshot, folders: readonly string[], serviceId: string, signal: AbortSignal,
): Promise<void> {
  const side = await deps.backupFiles.makeTempFolder(`restore-${serviceId}`);
  try {
    await deps.restic.restore(repo, snapshot.id, side, { signal });
    const pairs = folders.map((folder) => {
      const real = deps.host.filesPath(folder);
      return { folder, real, from: `${side}${pathInSnapshot(snapshot, real)}` };
    });
    // every folder must be in the snapshot before any real folder is overwritten
    for (const { folder, from } of pairs) if (!(await deps.backupFiles.exists(from))) throw new Error(RESTORE_STEPS.missingFolder(folder));
    for (const { from, real } of pairs) await deps.backupFiles.syncFolder(from, real, signal);
  } finally {
    await deps.backupFiles.remove(side).catch((err: unknown) => deps.logger.error('restore side folder not removed', { side, error: String(err) }));
  }
}

/** Empties each real folder, then restores the snapshot over them (restic writes each path where it was). */
export async function restoreInPlace(deps: RestoreStepDeps, repo: ResticRepository, snapshotId: string, folders: readonly string[], signal?: AbortSignal): Promise<void> {
  for (const folder of folders) await emptyFolderPatiently(deps, deps.host.filesPath(folder), signal);
  await deps.restic.restore(repo, snapshotId, '/', { signal });
}

async function emptyFolderPatiently(deps: RestoreStepDeps, path: string, signal?: AbortSignal): Promise<void> {
  const deadline = deps.clock.now().getTime() + EMPTY_RETRY_MS;
  for (;;) {
    try {
      return await deps.backupFiles.emptyFolder(path);
    } catch (err) {
      if (deps.clock.now().getTime() >= deadline) throw err;
      await deps.clock.sleep(EMPTY_RETRY_PAUSE_MS, signal);
    }
  }
}

/** Loads each database's restored dump into PostgreSQL (a missing dump fails the restore). */
export async function restoreDatabases(deps: RestoreStepDeps, service: ServiceDefinition, report: ReportProgress, signal: AbortSignal): Promise<void> {
  for (const database of service.postgresDatabases) {
    const file = dumpFile(service.id, database);
    if (!(await deps.backupFiles.exists(deps.host.filesPath(file)))) throw new Error(RESTORE_STEPS.missingDump(database));
    await report({ statusText: RESTORE_STEPS.restoringDatabase(database) });
    await deps.host.restoreDatabase(file, signal);
  }
}

/**
 * Puts the restored stash back: userdata and secrets as they were stashed, except that every movable service
 * keeps the volume it is on now (its data is there, whatever the snapshot remembers), and the DKIM keys.
 */
export async function restoreSettings(deps: RestoreStepDeps, services: readonly ServiceDefinition[]): Promise<void> {
  const stash = deps.host.filesPath(SETTINGS_STASH);
  const userData = JSON.parse(await deps.backupFiles.readFile(`${stash}/${STASHED.userData}`)) as UserData;
  const secrets = JSON.parse(await deps.backupFiles.readFile(`${stash}/${STASHED.secrets}`)) as Record<string, unknown>;
  const movable = services.filter((s) => s.isMovable).map((s) => s.id);
  await deps.userData.update((draft) => {
    const locations = movable.map((id) => [id, moduleSettings(draft, id).location] as const);
    replaceDocument(draft, userData);
    for (const [id, location] of locations) if (location !== undefined) moduleSettingsDraft(draft, id).location = location;
  });
  await deps.secrets.update((draft) => replaceDocument(draft, secrets));
  const dkim = `${stash}/${STASHED.dkim}`;
  if (await deps.backupFiles.exists(dkim)) await deps.backupFiles.syncFolder(dkim, deps.host.filesPath(DKIM_FOLDER));
}

const baseName = (path: string) => path.slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1).replace(/\/+$/, '');

function replaceDocument(draft: Record<string, unknown>, content: Record<string, unknown>): void {
  for (const key of Object.keys(draft)) delete draft[key];
  Object.assign(draft, structuredClone(content));
}
