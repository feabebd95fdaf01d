import type { BlockDevice, CommandOutcome, Host, NetworkAddresses, PathInfo, UnitState } from '../../src/core/host/host-types.js';

/**
 * A host whose answers are set by the test and which records every call as one line
 * (`startUnit sp-nixos-rebuild.service`), so tests can assert what the core asked the machine to do.
 */
export class FakeHost implements Host {
  readonly calls: string[] = [];
  kernel = 'Linux test 6.6.0 #1-NixOS SMP x86_64 GNU/Linux';
  /** unit -> ActiveState; units not listed are not found. */
  units: Record<string, string> = {};
  unitLogs: Record<string, string[]> = {};
  devices: BlockDevice[] = [];
  sizes: Record<string, number> = {};
  paths: Record<string, PathInfo> = {};
  dkim: string | undefined;
  acmeUri: string | undefined;
  addresses: NetworkAddresses = { ipv4: '192.0.2.1' };
  pullOutcome: CommandOutcome = { exitCode: 0, output: 'Already up to date.\n' };
  deadPaths = '';
  garbageLines: string[] = [];
  /** Lines followUnitLog yields per unit, then it waits for abort. */
  followLines: Record<string, string[]> = {};
  /** Called after start/stop/restart, to script state changes. */
  onUnitCommand?: (verb: 'start' | 'stop' | 'restart', unit: string) => void;
  /** Makes the named methods throw. */
  failing = new Set<string>();

  private record(call: string): void {
    this.calls.push(call);
    const method = call.split(' ')[0]!;
    if (this.failing.has(method)) throw new Error(`${method} failed`);
  }

  /** Every recorded call stands for one process. */
  processCount() {
    return this.calls.length;
  }
  async kernelVersion() {
    this.record('kernelVersion');
    return this.kernel;
  }
  async unitStates(units: readonly string[], _signal?: AbortSignal) {
    this.record(`unitStates ${units.join(' ')}`);
    return new Map<string, UnitState>(
      units.map((unit) => [unit, { unit, loaded: unit in this.units, activeState: this.units[unit] ?? 'inactive' }]),
    );
  }
  private unitCommand(verb: 'start' | 'stop' | 'restart', unit: string): number {
    this.record(`${verb}Unit ${unit}`);
    if (!(unit in this.units)) return 5;
    this.onUnitCommand?.(verb, unit);
    return 0;
  }
  async startUnit(unit: string) {
    return this.unitCommand('start', unit);
  }
  async stopUnit(unit: string) {
    return this.unitCommand('stop', unit);
  }
  async restartUnit(unit: string) {
    return this.unitCommand('restart', unit);
  }
  async commandUnit(verb: 'start' | 'stop' | 'restart', unit: string) {
    const exitCode = this.unitCommand(verb, unit);
    return { exitCode, output: exitCode === 0 ? '' : `Failed to ${verb} ${unit}: Unit ${unit} not found.\n` };
  }
  async unitLog(unit: string, lines: number) {
    this.record(`unitLog ${unit} ${lines}`);
    return (this.unitLogs[unit] ?? []).slice(-lines);
  }
  async *followUnitLog(unit: string, signal: AbortSignal) {
    this.record(`followUnitLog ${unit}`);
    for (const line of this.followLines[unit] ?? []) yield line;
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  }
  async reboot() {
    this.record('reboot');
  }
  async pullConfiguration() {
    this.record('pullConfiguration');
    return this.pullOutcome;
  }
  async deleteOldGenerations() {
    this.record('deleteOldGenerations');
    return { exitCode: 0, output: '' };
  }
  async printDeadStorePaths() {
    this.record('printDeadStorePaths');
    return this.deadPaths;
  }
  async *collectGarbage() {
    this.record('collectGarbage');
    for (const line of this.garbageLines) yield line;
  }
  async blockDevices() {
    this.record('blockDevices');
    return structuredClone(this.devices);
  }
  async resizeFilesystem(devicePath: string) {
    this.record(`resizeFilesystem ${devicePath}`);
    return { exitCode: 0, output: '' };
  }
  async folderSizes(paths: readonly string[]) {
    this.record(`folderSizes ${paths.join(' ')}`);
    return new Map(paths.map((p) => [p, this.sizes[p] ?? 0]));
  }
  async pathInfo(path: string) {
    this.record(`pathInfo ${path}`);
    return this.paths[path] ?? { exists: false, isDirectory: false };
  }
  async moveFolder(from: string, to: string) {
    this.record(`moveFolder ${from} ${to}`);
  }
  async chownRecursive(path: string, owner: string, group: string) {
    this.record(`chownRecursive ${path} ${owner}:${group}`);
  }
  async bindMount(source: string, target: string) {
    this.record(`bindMount ${source} ${target}`);
  }
  async unmount(path: string) {
    this.record(`unmount ${path}`);
  }
  async readDkimRecord(domain: string) {
    this.record(`readDkimRecord ${domain}`);
    return this.dkim;
  }
  async acmeAccountUri() {
    this.record('acmeAccountUri');
    return this.acmeUri;
  }
  async networkAddresses() {
    this.record('networkAddresses');
    return this.addresses;
  }
  /** Real folders of host paths live under this root ('' maps them to themselves). */
  filesRoot = '';
  /** freeBytes answers this for every path. */
  free = 1e12;
  filesPath(folder: string) {
    return this.filesRoot + folder;
  }
  async freeBytes(path: string) {
    this.record(`freeBytes ${path}`);
    return this.free;
  }
  async dumpDatabase(database: string, file: string, _signal?: AbortSignal) {
    this.record(`dumpDatabase ${database} ${file}`);
  }
  async restoreDatabase(file: string, _signal?: AbortSignal) {
    this.record(`restoreDatabase ${file}`);
  }
}
