import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { STORAGE_MESSAGES } from './storage-messages.js';
import { type Volume, findVolume } from './volumes.js';

type VolumeDeps = Pick<Deps, 'host' | 'userData'>;

/** The volume with this canonical name; VOLUME_NOT_FOUND otherwise. */
export async function requireVolume(deps: VolumeDeps, name: string): Promise<Volume> {
  const volume = await findVolume(deps, name);
  if (!volume) throw new CoreError('VOLUME_NOT_FOUND', STORAGE_MESSAGES.volumeNotFound);
  return volume;
}

const byUuid = (volume: Volume) => `/dev/disk/by-uuid/${volume.uuid}`;

/** Grows the filesystem to fill its (enlarged) device; resize2fs's own outcome is not reported, as in the reference. */
export async function resizeVolume(deps: VolumeDeps & Partial<Pick<Deps, 'serviceMonitor'>>, name: string): Promise<void> {
  const volume = await requireVolume(deps, name);
  try {
    await deps.host.resizeFilesystem(volume.path);
  } finally {
    deps.serviceMonitor?.forgetBlockDevices(); // the next listing shows the new size
  }
}

/** Adds the volume to userdata `volumes` (mounted at /volumes/<name> by the next rebuild). */
export async function mountVolume(deps: VolumeDeps, name: string): Promise<void> {
  const volume = await requireVolume(deps, name);
  await deps.userData.update((data) => {
    const volumes = (data.volumes ??= []);
    if (volumes.some((entry) => entry.device === volume.path || entry.device === byUuid(volume))) {
      throw new CoreError('VOLUME_ALREADY_MOUNTED', STORAGE_MESSAGES.alreadyMounted);
    }
    volumes.push({ device: byUuid(volume), mountPoint: `/volumes/${volume.name}`, fsType: volume.fstype });
  });
}

/** Removes the volume's userdata `volumes` entry (unmounted by the next rebuild). */
export async function unmountVolume(deps: VolumeDeps, name: string): Promise<void> {
  const volume = await requireVolume(deps, name);
  await deps.userData.update((data) => {
    const volumes = data.volumes ?? [];
    const index = volumes.findIndex((entry) => entry.device === byUuid(volume));
    if (index < 0) throw new CoreError('VOLUME_NOT_MOUNTED', STORAGE_MESSAGES.notMounted);
    volumes.splice(index, 1);
  });
}
