// The machine the API manages, as the core sees it. Two implementations: the real NixOS host
// (spawns systemctl, lsblk, ... with argument arrays) and an in-process simulation for laptops and tests.

/** One systemd unit as `systemctl show` reports it. */
export interface UnitState {
  unit: string;
  /** False when systemd has no such unit (LoadState=not-found). */
  loaded: boolean;
  /** systemd ActiveState: active, reloading, inactive, failed, activating, deactivating. */
  activeState: string;
  /** Set when systemd could not be asked (the state query failed): nothing is known of the unit. */
  unknown?: true;
}

export type UnitVerb = 'start' | 'stop' | 'restart';

/** One row of `lsblk -J -b -o NAME,PATH,FSAVAIL,FSSIZE,FSTYPE,FSUSED,MOUNTPOINTS,LABEL,UUID,SIZE,MODEL,SERIAL,TYPE`, children flattened. */
export interface BlockDevice {
  name: string;
  path: string;
  /** Byte counts as decimal strings, null when lsblk gives none (unmounted). */
  fsavail: string | null;
  fssize: string | null;
  fsused: string | null;
  size: string;
  fstype: string | null;
  mountpoints: string[];
  label: string | null;
  uuid: string | null;
  model: string | null;
  serial: string | null;
  type: string;
}

export interface CommandOutcome {
  exitCode: number;
  /** stdout and stderr, merged. */
  output: string;
}

export interface PathInfo {
  exists: boolean;
  isDirectory: boolean;
  /** Owning user name, when it exists. */
  owner?: string;
}

export interface NetworkAddresses {
  /** First IPv4 address of the public interface; '' when there is none. */
  ipv4: string;
  /** First global IPv6 address, if any. */
  ipv6?: string;
}

// Long-running methods take an optional trailing `signal`: when it aborts, the work stops (its child
// processes are killed) and the call rejects with the signal's reason.
export interface Host {
  /**
   * How many host processes this host has run since it was created: those spawned on NixOS (systemctl, lsblk,
   * du, journalctl ...), and in the simulation the commands it stands in for, counted as NixOS would run them.
   */
  processCount(): number;
  /** `uname -a`, trimmed. */
  kernelVersion(): Promise<string>;

  /** The state of every listed unit in one query (never one process per unit); rejects when systemd cannot be asked. */
  unitStates(units: readonly string[], signal?: AbortSignal): Promise<Map<string, UnitState>>;
  /** Asks systemd to start a unit without waiting for it to finish starting; returns systemctl's exit code. */
  startUnit(unit: string): Promise<number>;
  stopUnit(unit: string): Promise<number>;
  restartUnit(unit: string): Promise<number>;
  /** Starts, stops or restarts a unit without waiting; systemctl's exit code and what it printed (its reason on failure). */
  commandUnit(verb: UnitVerb, unit: string): Promise<CommandOutcome>;
  /** The last `lines` journal messages of a unit, oldest first. */
  unitLog(unit: string, lines: number): Promise<string[]>;
  /** New journal messages of a unit from now on, until `signal` aborts. */
  followUnitLog(unit: string, signal: AbortSignal): AsyncIterable<string>;

  /** Starts a reboot and returns at once. */
  reboot(): Promise<void>;
  /** `git pull` in the NixOS configuration checkout. */
  pullConfiguration(signal?: AbortSignal): Promise<CommandOutcome>;

  /** Garbage collection, step 1: drop old system generations (failures are ignored by callers). */
  deleteOldGenerations(signal?: AbortSignal): Promise<CommandOutcome>;
  /** Step 2: `nix-store --gc --print-dead` output. */
  printDeadStorePaths(signal?: AbortSignal): Promise<string>;
  /** Step 3: run the collector, yielding its output line by line. */
  collectGarbage(signal?: AbortSignal): AsyncIterable<string>;

  /** Block devices, children flattened (top level first). */
  blockDevices(): Promise<BlockDevice[]>;
  /** `resize2fs` on a device path. */
  resizeFilesystem(devicePath: string, signal?: AbortSignal): Promise<CommandOutcome>;

  /** Total apparent size in bytes of each path (missing paths: 0), in one pass. */
  folderSizes(paths: readonly string[], signal?: AbortSignal): Promise<Map<string, number>>;
  pathInfo(path: string): Promise<PathInfo>;
  /** Moves a folder to `to` (which must not exist), creating the parent of `to` when missing. */
  moveFolder(from: string, to: string, signal?: AbortSignal): Promise<void>;
  chownRecursive(path: string, owner: string, group: string, signal?: AbortSignal): Promise<void>;
  /** `mount --bind`; creates the mount point `target` when it does not exist. */
  bindMount(source: string, target: string, signal?: AbortSignal): Promise<void>;
  unmount(path: string): Promise<void>;

  /** The mail server's DKIM record file for `domain`, when it exists. */
  readDkimRecord(domain: string): Promise<string | undefined>;
  /** registration.uri of the newest Let's Encrypt account, when there is one. */
  acmeAccountUri(): Promise<string | undefined>;
  networkAddresses(): Promise<NetworkAddresses>;

  /**
   * Where a host folder's files really are on this machine: the path itself on NixOS; under the data
   * folder in the simulation (following its bind mounts). Backups hand these paths to restic.
   */
  filesPath(folder: string): string;
  /** Free bytes on the filesystem holding `path` (or its nearest existing parent). */
  freeBytes(path: string): Promise<number>;
  /** `pg_dump` of one PostgreSQL database into `file` (a host path), custom format. */
  dumpDatabase(database: string, file: string, signal?: AbortSignal): Promise<void>;
  /** `pg_restore --clean --create` of a dump written by dumpDatabase. */
  restoreDatabase(file: string, signal?: AbortSignal): Promise<void>;
}
