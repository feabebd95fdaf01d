import type { Deps } from '../ports.js';
import type { Volume } from '../storage/volumes.js';
import type { UserData } from '../userdata/userdata-types.js';
import { serviceDrive } from './service-fields.js';
import { MOVE_MESSAGES as M } from './service-messages.js';
import type { OwnedFolder, ServiceDefinition } from './service-types.js';

/** Why a move cannot happen (the reference's exception name, kept in the texts callers see). */
export class MoveError extends Error {
  override name = 'MoveError';
}

export interface MovePlan {
  service: ServiceDefinition;
  from: Volume;
  to: Volume;
  /** Whether any data folder exists on disk (a service without data only changes its location). */
  hasData: boolean;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Where a folder's data lives on a volume when binds are used: `/volumes/<volume>/<folder name>`. */
export function folderOnVolume(folder: OwnedFolder, volume: Volume): string {
  return `/volumes/${volume.name}/${basename(folder.path)}`;
}

type CheckDeps = Pick<Deps, 'host' | 'serviceMonitor'>;

async function usedBytes(deps: CheckDeps, service: ServiceDefinition): Promise<number> {
  const paths = service.folders.map((f) => f.path);
  const sizes = deps.serviceMonitor.measuredFolderSizes(paths) ?? (await deps.host.folderSizes(paths));
  return paths.reduce((sum, path) => sum + (sizes.get(path) ?? 0), 0);
}

/** The §9.8 pre-checks, in the reference's order; throws MoveError with its text at the first failure. */
export async function checkMove(
  deps: CheckDeps,
  service: ServiceDefinition,
  to: Volume,
  userData: UserData,
  volumes: readonly Volume[],
): Promise<MovePlan> {
  const display = service.displayName;
  if (!service.isMovable) throw new MoveError(M.notMovable(display));
  if (userData.useBinds !== true) throw new MoveError(M.notUsingBinds);
  const currentName = serviceDrive(service, userData, volumes);
  if (currentName === to.name) throw new MoveError(M.alreadyThere(display, to.kernelName));
  const free = Number(to.freeSpace);
  if (!Number.isFinite(free) || free < (await usedBytes(deps, service))) throw new MoveError(M.notEnoughSpace);
  if (!to.root && !to.mountpoints.includes(`/volumes/${to.name}`)) throw new MoveError(M.notMounted);
  const from = volumes.find((v) => v.name === currentName);
  if (!from) throw new MoveError(M.noSuchDrive(currentName));
  if (service.folders.length === 0) throw new MoveError(M.nothingToMove);
  const hasData = (await Promise.all(service.folders.map((f) => deps.host.pathInfo(f.path)))).some((info) => info.exists);
  if (hasData) {
    for (const folder of service.folders) {
      const at = folderOnVolume(folder, from);
      const info = await deps.host.pathInfo(at);
      if (!info.exists) throw new MoveError(M.directoryNotFound(at));
      if (!info.isDirectory) throw new MoveError(M.notADirectory(at));
      if (info.owner !== folder.owner) throw new MoveError(M.notOwned(at, folder.owner));
    }
  }
  return { service, from, to, hasData };
}
