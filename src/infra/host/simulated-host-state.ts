import type { BlockDevice } from '../../core/host/host-types.js';

/** What the simulated machine remembers between runs (kept under DATA_DIR). */
export interface SimulatedHostState {
  kernel: string;
  /** systemd units that exist, with their ActiveState; a unit not listed is "not found". */
  units: Record<string, string>;
  devices: BlockDevice[];
  /** Data folders by absolute path: apparent size in bytes and owner. */
  folders: Record<string, { size: number; owner: string; group: string }>;
  /** Bind mounts: target -> source. */
  mounts: Record<string, string>;
  /** Store paths a garbage collection would delete now. */
  deadStorePaths: number;
  generations: number;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** A byte count as lsblk -b prints it: a whole number (the app parses these as integers). */
export const byteString = (value: number | string): string => String(Math.round(Number(value)));

const device = (d: Partial<BlockDevice> & Pick<BlockDevice, 'name' | 'type' | 'size'>): BlockDevice => ({
  path: `/dev/${d.name}`,
  fsavail: null,
  fssize: null,
  fsused: null,
  fstype: null,
  mountpoints: [],
  label: null,
  uuid: null,
  model: null,
  serial: null,
  ...d,
});

// The data folders of the services in the simulated catalogue (src/infra/services) and of the built-ins:
// movable services keep their data on a volume, bind-mounted where the service expects it (useBinds);
// the others (drive null) keep it in place on the system disk.
const serviceFolders: [path: string, drive: string | null, size: number, owner: string][] = [
  ['/var/vmail', 'sda1', 1.3 * GIB, 'virtualMail'],
  ['/var/sieve', 'sda1', 2 * MIB, 'virtualMail'],
  ['/var/lib/nextcloud', 'sdb', 3.4 * GIB, 'nextcloud'],
  ['/var/lib/gitea', 'sda1', 420 * MIB, 'gitea'],
  ['/var/lib/bitwarden_rs', 'sda1', 18 * MIB, 'vaultwarden'],
  ['/var/lib/pleroma', 'sda1', 0, 'pleroma'],
  ['/var/lib/jitsi-meet', null, 1 * MIB, 'jitsi-meet'],
  ['/var/lib/prometheus', null, 260 * MIB, 'prometheus'],
  ['/etc/selfprivacy/dump', null, 0, 'root'],
];

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** A small NixOS server: a 40 GB system disk, a 20 GB expandable volume, mail, Nextcloud, Forgejo and Vaultwarden running. */
export function sampleHostState(): SimulatedHostState {
  const folders: SimulatedHostState['folders'] = {};
  const mounts: SimulatedHostState['mounts'] = {};
  for (const [path, drive, size, owner] of serviceFolders) {
    const source = drive ? `/volumes/${drive}/${basename(path)}` : path;
    folders[source] = { size: Math.round(size), owner, group: owner };
    if (drive) mounts[path] = source;
  }
  const usedOn = (drive: string) =>
    Object.entries(folders)
      .filter(([path]) => path.startsWith(`/volumes/${drive}/`))
      .reduce((sum, [, f]) => sum + f.size, 0);
  const rootSize = 40 * GIB;
  const inPlace = Object.entries(folders)
    .filter(([path]) => !path.startsWith('/volumes/'))
    .reduce((sum, [, f]) => sum + f.size, 0);
  const rootUsed = 6.2 * GIB + usedOn('sda1') + inPlace;
  const volumeSize = 20 * GIB;
  const volumeUsed = 0.1 * GIB + usedOn('sdb');
  return {
    kernel: 'Linux my-server 6.6.63 #1-NixOS SMP PREEMPT_DYNAMIC Fri Nov 22 14:38:37 UTC 2024 x86_64 GNU/Linux',
    // Units of the enabled services (mail, monitoring, Nextcloud, Forgejo, Vaultwarden) and of the system.
    units: {
      'dovecot.service': 'active',
      'postfix.service': 'active',
      'nginx.service': 'active',
      'sshd.service': 'active',
      'selfprivacy-api.service': 'active',
      'prometheus.service': 'active',
      'phpfpm-nextcloud.service': 'active',
      'forgejo.service': 'active',
      'vaultwarden.service': 'active',
      'sp-nixos-rebuild.service': 'inactive',
      'sp-nixos-upgrade.service': 'inactive',
      'sp-nixos-rollback.service': 'inactive',
    },
    devices: [
      device({ name: 'sda', type: 'disk', size: byteString(rootSize + MIB), model: 'QEMU HARDDISK', serial: 'drive-scsi0' }),
      device({ name: 'sdb', type: 'disk', size: byteString(volumeSize), model: 'Volume', serial: 'HC_Volume_101010101',
        fstype: 'ext4', uuid: '1b2c3d4e-0000-4000-8000-000000000001', mountpoints: ['/volumes/sdb'],
        fssize: byteString(volumeSize - 0.3 * GIB), fsused: byteString(volumeUsed),
        fsavail: byteString(volumeSize - 0.3 * GIB - volumeUsed) }),
      device({ name: 'sr0', type: 'rom', size: '1073741312', model: 'QEMU DVD-ROM' }),
      device({ name: 'sda1', path: '/dev/sda1', type: 'part', size: byteString(rootSize), fstype: 'ext4',
        uuid: '7d1c6a3e-5f4b-4c2a-9e8d-0a1b2c3d4e5f', label: 'nixos', mountpoints: ['/'],
        fssize: byteString(rootSize - 0.6 * GIB), fsused: byteString(rootUsed),
        fsavail: byteString(rootSize - 0.6 * GIB - rootUsed) }),
    ],
    folders,
    mounts,
    deadStorePaths: 148,
    generations: 12,
  };
}

/** The device holding a (real) path: the one with the longest mountpoint containing it (/volumes/sda1 is a folder on /). */
export function deviceHolding(s: SimulatedHostState, path: string): BlockDevice | undefined {
  let dev: BlockDevice | undefined;
  let longest = -1;
  for (const d of s.devices) {
    for (const m of d.mountpoints) {
      const contains = m === '/' || path === m || path.startsWith(`${m}/`);
      if (contains && m.length > longest) [dev, longest] = [d, m.length];
    }
  }
  return dev;
}

/** Keeps a volume's used/free bytes in step with the data moved onto or off it. */
export function shiftUsage(s: SimulatedHostState, path: string, delta: number): void {
  const dev = deviceHolding(s, path);
  if (!dev?.fsused || !dev.fsavail) return;
  dev.fsused = byteString(Number(dev.fsused) + delta);
  dev.fsavail = byteString(Number(dev.fsavail) - delta);
}
