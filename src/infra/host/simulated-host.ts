import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BlockDevice, CommandOutcome, Host, NetworkAddresses, PathInfo, UnitState, UnitVerb } from '../../core/host/host-types.js';
import type { Clock, Logger } from '../../core/ports.js';
import { abortable } from '../../core/host/abortable.js';
import { JsonFileStore } from '../files/json-file-store.js';
import {
  createSampleFolders, moveRealFolder, readSimulatedDump, simulatedFilesPath, writeSimulatedDump,
} from './simulated-host-files.js';
import { type SimulatedHostState, byteString, deviceHolding, sampleHostState, shiftUsage } from './simulated-host-state.js';
import { SimulatedJournal } from './simulated-journal.js';
import { rebuildScript, upgradeScript } from './simulated-rebuild.js';

/** Which units a rebuild should leave running, and which it should remove (services enabled or disabled). */
export type ConfigurationPlan = () => Promise<{ present: string[]; absent: string[] }>;

const API_UNIT = 'selfprivacy-api.service'; // the commands this API runs log under its own unit
const NOT_FOUND_EXIT = 5; // systemctl's "unit not found"
const STOPPED = new Set(['inactive', 'failed']);
const REBUILD_UNITS: Record<string, () => string[]> = {
  'sp-nixos-rebuild.service': rebuildScript,
  'sp-nixos-upgrade.service': upgradeScript,
};

/**
 * An in-process imitation of a small NixOS server for laptops and tests: units change state with
 * believable delays, rebuilds take seconds and write to the journal, volumes and data folders have sizes.
 * State survives restarts in a JSON file; waits go through the clock (SP_TIME_SCALE). The data folders are
 * real folders under `filesRoot` (sample files, moved with the service), whatever size the state says.
 */
export class SimulatedHost implements Host {
  readonly journal: SimulatedJournal;
  private readonly store: JsonFileStore<SimulatedHostState>;
  private planConfiguration?: ConfigurationPlan;
  /** The latest state change asked of each unit. */
  private readonly pending = new Map<string, number>();
  /** The bind mounts as last read or written, for filesPath (which cannot wait for the state file). */
  private mounts: Record<string, string>;
  /** Each domain's made-up DKIM record, made once. */
  private readonly dkimRecords = new Map<string, string>();
  /** The commands the NixOS host would have run for what was asked so far. */
  private commands = 0;

  constructor(
    stateFile: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The machine's journal (in memory only unless given). */
    journal?: SimulatedJournal,
    /** Where the machine's files are: host path /x is `<filesRoot>/x`. */
    private readonly filesRoot: string = join(dirname(stateFile), 'host-files'),
  ) {
    this.store = new JsonFileStore(stateFile, { initial: sampleHostState, mode: 0o600 });
    this.journal = journal ?? new SimulatedJournal(() => clock.now());
    this.mounts = mountsInStateFile(stateFile);
  }

  processCount(): number {
    return this.commands;
  }

  /** Counts `n` commands the NixOS host would run here (systemctl, lsblk, du ...). */
  private standIn(n = 1): void {
    this.commands += n;
  }

  /** Creates every data folder that is missing with a few sample files (at start). */
  async prepareFiles(): Promise<void> {
    await createSampleFolders(this.filesRoot, Object.keys((await this.state()).folders));
  }

  /** Lets a rebuild bring service units in line with the configuration (set once services are known). */
  onRebuild(plan: ConfigurationPlan): void {
    this.planConfiguration = plan;
  }

  private async state(): Promise<SimulatedHostState> {
    const s = await this.store.read();
    this.mounts = { ...s.mounts };
    return s;
  }

  private async change<R>(fn: (state: SimulatedHostState) => R | Promise<R>): Promise<R> {
    let mounts = this.mounts;
    const result = await this.store.update(async (s) => {
      const changed = await fn(s);
      mounts = { ...s.mounts };
      return changed;
    });
    this.mounts = mounts;
    return result;
  }

  private later(work: () => Promise<void>): void {
    work().catch((err: unknown) => this.logger.error('simulated host task failed', { error: String(err) }));
  }

  private async setUnit(unit: string, activeState: string | undefined): Promise<void> {
    await this.change((s) => {
      if (activeState === undefined) delete s.units[unit];
      else s.units[unit] = activeState;
    });
  }

  async kernelVersion(): Promise<string> {
    this.standIn(); // uname -a
    return (await this.state()).kernel;
  }

  async unitStates(units: readonly string[]): Promise<Map<string, UnitState>> {
    if (units.length === 0) return new Map();
    this.standIn(); // one systemctl show for all units
    const known = (await this.state()).units;
    return new Map(units.map((unit) => [unit, { unit, loaded: unit in known, activeState: known[unit] ?? 'inactive' }]));
  }

  async startUnit(unit: string): Promise<number> {
    this.standIn(); // systemctl start
    const current = (await this.state()).units[unit];
    if (current === undefined) return NOT_FOUND_EXIT;
    const script = REBUILD_UNITS[unit];
    if (script) {
      if (!STOPPED.has(current)) return 0; // already running: systemd does nothing
      await this.setUnit(unit, 'activating');
      this.later(() => this.runRebuild(unit, script()));
      return 0;
    }
    if (unit === 'sp-nixos-rollback.service') {
      this.later(async () => {
        this.journal.append(unit, 'switching to the previous system generation...');
        await this.change((s) => void (s.generations = Math.max(1, s.generations - 1)));
        this.journal.append(unit, 'Finished rolling back the system.');
      });
      return 0;
    }
    if (current === 'active' || current === 'activating' || current === 'reloading') return 0; // systemd: already (becoming) active
    return this.transition(unit, ['activating', `Starting ${unit}...`], 800, ['active', `Started ${unit}.`]);
  }

  async stopUnit(unit: string): Promise<number> {
    this.standIn(); // systemctl stop
    const current = (await this.state()).units[unit];
    if (current === undefined) return NOT_FOUND_EXIT;
    if (STOPPED.has(current) || current === 'deactivating') return 0; // systemd leaves an inactive unit inactive
    return this.transition(unit, ['deactivating', `Stopping ${unit}...`], 500, ['inactive', `Stopped ${unit}.`]);
  }

  async commandUnit(verb: UnitVerb, unit: string): Promise<CommandOutcome> {
    const exitCode = await (verb === 'start' ? this.startUnit(unit) : verb === 'stop' ? this.stopUnit(unit) : this.restartUnit(unit));
    // systemctl's own words for the one failure this host has
    return { exitCode, output: exitCode === 0 ? '' : `Failed to ${verb} ${unit}: Unit ${unit} not found.\n` };
  }

  async restartUnit(unit: string): Promise<number> {
    this.standIn(); // systemctl restart
    if ((await this.state()).units[unit] === undefined) return NOT_FOUND_EXIT;
    return this.transition(unit, ['activating', `Restarting ${unit}...`], 1000, ['active', `Started ${unit}.`]);
  }

  // A unit command: the unit takes the first state at once and the second after `ms`, logging a line at each.
  // A later command on the same unit replaces this one, as systemd's job queue does: its end is then not applied.
  private async transition(unit: string, [during, begun]: [string, string], ms: number, [after, done]: [string, string]): Promise<number> {
    const ticket = (this.pending.get(unit) ?? 0) + 1;
    this.pending.set(unit, ticket);
    await this.setUnit(unit, during);
    this.journal.append(unit, begun);
    this.later(async () => {
      await this.clock.sleep(ms);
      if (this.pending.get(unit) !== ticket) return;
      await this.setUnit(unit, after);
      this.journal.append(unit, done);
    });
    return 0;
  }

  private async runRebuild(unit: string, lines: string[]): Promise<void> {
    await this.clock.sleep(500);
    await this.setUnit(unit, 'active');
    for (const line of lines) {
      await this.clock.sleep(600);
      this.journal.append(unit, line);
    }
    const plan = await this.planConfiguration?.();
    await this.change((s) => {
      for (const u of plan?.present ?? []) if (s.units[u] === undefined || s.units[u] === 'inactive') s.units[u] = 'active';
      for (const u of plan?.absent ?? []) delete s.units[u];
      s.generations += 1;
      s.deadStorePaths += 37;
    });
    await this.clock.sleep(300);
    this.journal.append(unit, `Finished ${unit}.`);
    await this.setUnit(unit, 'inactive');
  }

  async unitLog(unit: string, lines: number): Promise<string[]> {
    this.standIn(); // journalctl -u
    return this.journal.tail(unit, lines);
  }

  async *followUnitLog(unit: string, signal: AbortSignal): AsyncIterable<string> {
    this.standIn(); // journalctl -f
    for await (const entry of this.journal.follow({ units: [unit] }, undefined, signal)) yield entry.message;
  }

  async reboot(): Promise<void> {
    this.standIn(); // systemctl reboot
    this.journal.append(null, 'The system is going down for reboot NOW! (simulated: the API keeps running)', 5);
  }

  async pullConfiguration(signal?: AbortSignal): Promise<CommandOutcome> {
    signal?.throwIfAborted();
    this.standIn(); // git pull
    this.journal.append(API_UNIT, 'git pull in /etc/nixos: Already up to date.');
    return { exitCode: 0, output: 'Already up to date.\n' };
  }

  async deleteOldGenerations(signal?: AbortSignal): Promise<CommandOutcome> {
    signal?.throwIfAborted();
    this.standIn(); // nix-env --delete-generations
    const removed = await this.change((s) => {
      const old = s.generations - 1;
      s.generations = 1;
      return old;
    });
    const output = Array.from({ length: removed }, (_, i) => `removing profile version ${i + 1}\n`).join('');
    return { exitCode: 0, output };
  }

  async printDeadStorePaths(signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    this.standIn(); // nix-store --gc --print-dead
    const count = (await this.state()).deadStorePaths;
    return Array.from({ length: count }, (_, i) => `${storePath(i)}\n`).join('');
  }

  async *collectGarbage(signal?: AbortSignal): AsyncIterable<string> {
    this.standIn(); // nix-store --gc
    const count = (await this.state()).deadStorePaths;
    yield 'finding garbage collector roots...';
    for (let i = 0; i < count; i += 1) {
      // like the real collector killed by an abort: the output stops there
      if (signal?.aborted) return;
      if (i % 10 === 0) await this.clock.sleep(100);
      yield `deleting '${storePath(i)}'`;
    }
    yield 'deleting unused links...';
    await this.change((s) => void (s.deadStorePaths = 0));
    this.journal.append(API_UNIT, `nix-store --gc: ${count} store paths deleted`);
    yield `${count} store paths deleted, ${(count * 2.296).toFixed(2)} MiB freed`;
  }

  async blockDevices(): Promise<BlockDevice[]> {
    this.standIn(); // lsblk
    // Whole bytes even from a state file an older version wrote with fractions.
    const whole = (value: string | null) => (value === null ? null : byteString(value));
    return (await this.state()).devices.map((d) => ({ ...d, size: byteString(d.size), fssize: whole(d.fssize), fsused: whole(d.fsused), fsavail: whole(d.fsavail) }));
  }

  async resizeFilesystem(devicePath: string, signal?: AbortSignal): Promise<CommandOutcome> {
    signal?.throwIfAborted();
    this.standIn(); // resize2fs
    const found = await this.change((s) => {
      const dev = s.devices.find((d) => d.path === devicePath);
      if (!dev?.fssize) return false;
      const grow = Number(dev.size) - Number(dev.fssize);
      dev.fssize = dev.size;
      dev.fsavail = byteString(Number(dev.fsavail ?? 0) + grow);
      return true;
    });
    if (found) this.journal.append(API_UNIT, `resize2fs ${devicePath}: the filesystem is now resized`);
    return found
      ? { exitCode: 0, output: `The filesystem on ${devicePath} is now resized.\n` }
      : { exitCode: 1, output: `resize2fs: No such file or directory while trying to open ${devicePath}\n` };
  }

  async folderSizes(paths: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    signal?.throwIfAborted();
    if (paths.length > 0) this.standIn(); // one du for all paths
    const s = await this.state();
    return new Map(
      paths.map((path) => {
        const real = s.mounts[path] ?? path;
        const size = Object.entries(s.folders)
          .filter(([p]) => p === real || p.startsWith(`${real}/`))
          .reduce((sum, [, f]) => sum + f.size, 0);
        return [path, size];
      }),
    );
  }

  async pathInfo(path: string): Promise<PathInfo> {
    this.standIn(); // stat
    const s = await this.state();
    const real = s.mounts[path] ?? path;
    const own = s.folders[real];
    if (own) return { exists: true, isDirectory: true, owner: own.owner };
    const inside = Object.keys(s.folders).some((p) => p.startsWith(`${real}/`));
    return inside ? { exists: true, isDirectory: true, owner: 'root' } : { exists: false, isDirectory: false };
  }

  async moveFolder(from: string, to: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.standIn(2); // mkdir -p, mv -T
    await this.change(async (s) => {
      const moving = Object.keys(s.folders).filter((p) => p === from || p.startsWith(`${from}/`));
      if (moving.length === 0) throw new Error(`mv: cannot stat '${from}': No such file or directory`);
      // `mv -T` replaces at most an empty directory; the real host refuses to merge into one with data.
      const occupied = Object.entries(s.folders).some(([p, f]) => p.startsWith(`${to}/`) || (p === to && f.size > 0));
      if (occupied) throw new Error(`mv: cannot move '${from}' to '${to}': Directory not empty`);
      // The bytes first: when they cannot move, the state stays as it was. The sizes stay simulated.
      await moveRealFolder(this.filesRoot, from, to);
      for (const path of moving) {
        const folder = s.folders[path]!;
        delete s.folders[path];
        s.folders[to + path.slice(from.length)] = folder;
        shiftUsage(s, path, -folder.size);
        shiftUsage(s, to, folder.size);
      }
    });
    this.journal.append(API_UNIT, `moved ${from} to ${to}`);
    await abortable(this.clock.sleep(1500), signal);
  }

  async chownRecursive(path: string, owner: string, group: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.standIn(); // chown -R
    await this.change((s) => {
      for (const [p, folder] of Object.entries(s.folders)) {
        if (p === path || p.startsWith(`${path}/`)) Object.assign(folder, { owner, group });
      }
    });
  }

  async bindMount(source: string, target: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.standIn(2); // mkdir -p, mount --bind
    await this.change((s) => void (s.mounts[target] = source));
    this.journal.append(null, `EXT4-fs: bind mount ${source} on ${target}`, 6, null);
  }

  async unmount(path: string): Promise<void> {
    this.standIn(); // umount
    await this.change((s) => {
      if (!(path in s.mounts)) throw new Error(`umount: ${path}: not mounted.`);
      delete s.mounts[path];
    });
  }

  async readDkimRecord(domain: string): Promise<string | undefined> {
    let record = this.dkimRecords.get(domain);
    if (record === undefined) {
      // A stable made-up key per domain, shaped like a real 1024-bit RSA one (no padding inside).
      const digest = createHash('sha512').update(domain).digest();
      const key = Buffer.concat([digest, digest, digest]).toString('base64').slice(0, 216);
      record = `selector._domainkey IN TXT ( "v=DKIM1; k=rsa; " "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ${key}" ) ; ----- DKIM key selector for ${domain}\n`;
      this.dkimRecords.set(domain, record);
    }
    return record;
  }

  async acmeAccountUri(): Promise<string | undefined> {
    return 'https://acme-v02.api.letsencrypt.org/acme/acct/1234567890';
  }

  async networkAddresses(): Promise<NetworkAddresses> {
    return { ipv4: '203.0.113.10', ipv6: '2001:db8::10' };
  }

  filesPath(folder: string): string {
    return simulatedFilesPath(this.filesRoot, this.mounts, folder);
  }

  async freeBytes(path: string): Promise<number> {
    const s = await this.state();
    return Number(deviceHolding(s, simulatedFilesPath('/', s.mounts, path))?.fsavail ?? 0);
  }

  async dumpDatabase(database: string, file: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.standIn(); // pg_dump
    const at = this.clock.now();
    await abortable(this.clock.sleep(400), signal);
    await writeSimulatedDump(this.filesPath(file), database, at);
    this.journal.append(API_UNIT, `pg_dump: dumped database ${database} to ${file}`);
  }

  async restoreDatabase(file: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.standIn(); // pg_restore
    let database: string;
    try {
      database = await readSimulatedDump(this.filesPath(file), file);
    } catch (err) {
      this.journal.append(API_UNIT, (err as Error).message, 3);
      throw err;
    }
    await abortable(this.clock.sleep(600), signal);
    this.journal.append(API_UNIT, `pg_restore: restored database ${database} from ${file}`);
  }
}

/** The mounts in the state file as it is now (the sample's when there is none yet). */
function mountsInStateFile(stateFile: string): Record<string, string> {
  try {
    return (JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<SimulatedHostState>).mounts ?? {};
  } catch {
    return sampleHostState().mounts;
  }
}

function storePath(i: number): string {
  const hash = createHash('sha1').update(String(i)).digest('hex').slice(0, 32);
  return `/nix/store/${hash}-simulated-package-${i}`;
}
