import type { BlockDevice, UnitState } from '../host/host-types.js';
import type { Deps, ServiceFacts } from '../ports.js';
import { unknownUnitState } from './service-status.js';

const UNIT_STATES_TTL_MS = 1000;
// systemd answers a state query in milliseconds: one still running after this is presumed hung (the
// command runner kills it at its own timeout), so later callers start a fresh query instead of queueing behind it.
const UNIT_STATES_JOIN_MS = 5000;
// The reference caches folder sizes for 15 minutes; a walk of a large Nextcloud takes minutes.
const FOLDER_SIZES_TTL_MS = 15 * 60 * 1000;
// Block devices change when a volume is attached, mounted or resized (our own operations forget the listing at
// once) and their free space as data grows: a listing answers as is for 10 s, then once more while a new one is
// taken in the background; one older than 5 minutes is not shown, the request waits for a new one.
const BLOCK_DEVICES_FRESH_MS = 10_000;
const BLOCK_DEVICES_STALE_MAX_MS = 5 * 60 * 1000;

type MonitorDeps = Pick<Deps, 'host' | 'clock' | 'background' | 'logger'>;

/**
 * Remembers host facts about services that are costly to read: unit states for about a second (one
 * batched systemd query serves every request in that window) and folder sizes, which are measured
 * in the background and never on a request's path.
 */
export class ServiceMonitor implements ServiceFacts {
  private units?: { at: number; states: Map<string, UnitState> };
  private unitsInFlight?: { at: number; units: ReadonlySet<string>; promise: Promise<Map<string, UnitState>> };
  private readonly sizes = new Map<string, number>();
  private sizesAt?: number;
  private sizing?: Promise<void>;
  private devices?: { at: number; list: BlockDevice[] };
  private devicesInFlight?: Promise<BlockDevice[]>;

  constructor(private readonly deps: MonitorDeps) {}

  /**
   * States of `units` from one `host.unitStates` call, or from the last one when it is under a second old
   * and covers them; a call in flight is joined unless it has run for longer than a healthy one ever does.
   * When systemd cannot be asked, every unit's state is unknown (OFF, §9.2) rather than an error.
   */
  async unitStates(units: readonly string[]): Promise<Map<string, UnitState>> {
    const now = this.deps.clock.now().getTime();
    const cached = this.units;
    if (cached && now - cached.at < UNIT_STATES_TTL_MS && units.every((u) => cached.states.has(u))) return cached.states;
    const inFlight = this.unitsInFlight;
    if (inFlight && now - inFlight.at < UNIT_STATES_JOIN_MS && units.every((u) => inFlight.units.has(u))) return inFlight.promise;
    const promise = this.deps.host.unitStates(units).catch((err: unknown) => {
      this.deps.logger.warn('systemd unit states could not be read', { error: String(err) });
      return new Map(units.map((unit) => [unit, unknownUnitState(unit)]));
    });
    const entry = { at: now, units: new Set(units), promise };
    this.unitsInFlight = entry;
    try {
      const states = await promise;
      // A lifecycle change during the query makes its answer stale: do not keep it.
      if (this.unitsInFlight === entry) this.units = { at: now, states };
      return states;
    } finally {
      if (this.unitsInFlight === entry) this.unitsInFlight = undefined;
    }
  }

  /** Forgets unit states (after starting, stopping or restarting units). */
  forgetUnitStates(): void {
    this.units = undefined;
    this.unitsInFlight = undefined;
  }

  /**
   * The block devices (one `lsblk` shared by every caller): the last listing while it is under 10 s old; an
   * older one (under 5 minutes) is answered while a new listing is taken in the background, so a request never
   * waits for lsblk once one listing exists; none, or one forgotten, waits for a new one.
   */
  async blockDevices(): Promise<BlockDevice[]> {
    const cached = this.devices;
    const age = cached ? this.deps.clock.now().getTime() - cached.at : Number.POSITIVE_INFINITY;
    if (cached && age < BLOCK_DEVICES_FRESH_MS) return cached.list;
    const refresh = this.listBlockDevices();
    if (cached && age < BLOCK_DEVICES_STALE_MAX_MS) {
      refresh.catch(() => undefined); // reported below; the stale listing answers meanwhile
      return cached.list;
    }
    return refresh;
  }

  /** Forgets the block-device listing (after mounting, resizing or moving data between volumes). */
  forgetBlockDevices(): void {
    this.devices = undefined;
    this.devicesInFlight = undefined;
  }

  private listBlockDevices(): Promise<BlockDevice[]> {
    if (this.devicesInFlight) return this.devicesInFlight;
    const at = this.deps.clock.now().getTime();
    const promise = this.deps.host.blockDevices();
    this.devicesInFlight = promise;
    promise.then(
      (list) => {
        // a listing forgotten while it was taken may predate the change: do not keep it
        if (this.devicesInFlight !== promise) return;
        this.devices = { at, list };
        this.devicesInFlight = undefined;
      },
      (err: unknown) => {
        if (this.devicesInFlight === promise) this.devicesInFlight = undefined;
        this.deps.logger.warn('listing block devices failed', { error: String(err) });
      },
    );
    return promise;
  }

  /**
   * The last measured size of each path (0 until its first measurement ends). When the measurement
   * is missing or older than 15 minutes, a new one starts in the background; this call never waits for it.
   */
  folderSizes(paths: readonly string[]): Map<string, number> {
    const now = this.deps.clock.now().getTime();
    const stale = this.sizesAt === undefined || now - this.sizesAt > FOLDER_SIZES_TTL_MS || paths.some((p) => !this.sizes.has(p));
    if (stale && paths.length > 0) void this.measureFolders(paths);
    return new Map(paths.map((path) => [path, this.sizes.get(path) ?? 0]));
  }

  /** Fresh measured sizes of every path, or undefined when one of them has no fresh measurement. */
  measuredFolderSizes(paths: readonly string[]): Map<string, number> | undefined {
    const now = this.deps.clock.now().getTime();
    if (this.sizesAt === undefined || now - this.sizesAt > FOLDER_SIZES_TTL_MS || paths.some((p) => !this.sizes.has(p))) return undefined;
    return new Map(paths.map((path) => [path, this.sizes.get(path)!]));
  }

  /** Measures `paths` in one host call, in the background; resolves when that measurement (or the one already running) ends. */
  measureFolders(paths: readonly string[]): Promise<void> {
    if (this.sizing) return this.sizing;
    const done = new Promise<void>((resolve) => {
      this.deps.background.run('measure service folders', async () => {
        try {
          const measured = await this.deps.host.folderSizes(paths);
          for (const [path, size] of measured) this.sizes.set(path, size);
          this.sizesAt = this.deps.clock.now().getTime();
        } catch (err) {
          this.deps.logger.warn('measuring service folders failed', { error: String(err) });
        } finally {
          this.sizing = undefined;
          resolve();
        }
      });
    });
    this.sizing = done;
    return done;
  }
}
