import type { BlockDevice } from '../host/host-types.js';
import type { Deps } from '../ports.js';
import type { UserData } from '../userdata/userdata-types.js';

/** A usable block device (ext4 with a UUID, not a CD-ROM), named the way the userdata file names it. */
export interface Volume {
  /** Canonical name: root -> server.rootPartitionName or the kernel name; others -> the /volumes/<name> mount, else the kernel name. */
  name: string;
  /** Kernel name (lsblk NAME). */
  kernelName: string;
  /** Human name used in job texts: `System disk`, `Expandable volume`, or the kernel name. */
  displayName: string;
  path: string;
  uuid: string;
  fstype: string;
  root: boolean;
  totalSpace: string;
  freeSpace: string;
  usedSpace: string;
  model: string | null;
  serial: string | null;
  type: string;
  mountpoints: string[];
}

function isUsable(device: BlockDevice): boolean {
  return device.type !== 'rom' && Boolean(device.uuid) && device.fstype === 'ext4';
}

function toVolume(device: BlockDevice, userData: UserData): Volume {
  const root = device.mountpoints.includes('/');
  const volumeMount = device.mountpoints.find((m) => m.startsWith('/volumes/'));
  const name = root
    ? (userData.server?.rootPartitionName ?? device.name)
    : volumeMount
      ? volumeMount.slice(volumeMount.lastIndexOf('/') + 1)
      : device.name;
  return {
    name,
    kernelName: device.name,
    displayName: root ? 'System disk' : device.model === 'Volume' ? 'Expandable volume' : device.name,
    path: device.path,
    uuid: device.uuid ?? '',
    fstype: device.fstype ?? '',
    root,
    // An unmounted filesystem has no fssize: fall back to the device size (the reference printed "None").
    totalSpace: device.fssize ?? device.size,
    freeSpace: device.fsavail ?? 'None',
    usedSpace: device.fsused ?? 'None',
    model: device.model,
    serial: device.serial,
    type: device.type,
    mountpoints: device.mountpoints,
  };
}

/** The usable volumes among `devices`, named after `userData` (for a caller that already read both). */
export function volumesOf(devices: readonly BlockDevice[], userData: UserData): Volume[] {
  return devices.filter(isUsable).map((device) => toVolume(device, userData));
}

/** The usable volumes, re-read from the host on every call (free space changes). */
export async function listVolumes(deps: Pick<Deps, 'host' | 'userData'>): Promise<Volume[]> {
  const [devices, userData] = await Promise.all([deps.host.blockDevices(), deps.userData.read()]);
  return volumesOf(devices, userData);
}

/** The volume with this canonical name, if any. */
export async function findVolume(deps: Pick<Deps, 'host' | 'userData'>, name: string): Promise<Volume | undefined> {
  return (await listVolumes(deps)).find((volume) => volume.name === name);
}

/** The system disk. */
export async function rootVolume(deps: Pick<Deps, 'host' | 'userData'>): Promise<Volume | undefined> {
  return (await listVolumes(deps)).find((volume) => volume.root);
}
