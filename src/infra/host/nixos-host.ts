import { mkdir, readFile, readdir, stat, statfs } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type { BlockDevice, CommandOutcome, Host, NetworkAddresses, PathInfo, UnitState, UnitVerb } from '../../core/host/host-types.js';
import type { CommandRunner, RunResult } from './command-runner.js';
import { parseLsblk, parseSystemctlShow } from './host-output-parsers.js';

export interface NixosHostOptions {
  /** The NixOS configuration checkout (`git pull`). */
  configDir: string;
  /** Where DKIM records live (`<domain>.selector.txt`). */
  dkimDir?: string;
  /** lego's account folder under /var/lib/acme. */
  acmeAccountsDir?: string;
  /** Interface whose addresses the DNS records announce. */
  publicInterface?: string;
}

const LSBLK_COLUMNS = 'NAME,PATH,FSAVAIL,FSSIZE,FSTYPE,FSUSED,MOUNTPOINTS,LABEL,UUID,SIZE,MODEL,SERIAL,TYPE';
const SYSTEM_PROFILE = '/nix/var/nix/profiles/system';
// The local PostgreSQL over its unix socket, as the reference's backups connected (§10.3, §10.5).
const POSTGRES_SOCKET_URL = 'postgresql://postgres@%2Frun%2Fpostgresql';
const KEPT_STDERR = 1000;

/** The real machine: every method runs the program NixOS would, with an argument array. */
export class NixosHost implements Host {
  private readonly dkimDir: string;
  private readonly acmeAccountsDir: string;
  private readonly publicInterface: string;

  constructor(
    private readonly runner: CommandRunner,
    private readonly options: NixosHostOptions,
  ) {
    this.dkimDir = options.dkimDir ?? '/var/dkim';
    this.acmeAccountsDir = options.acmeAccountsDir ?? '/var/lib/acme/.lego/accounts';
    this.publicInterface = options.publicInterface ?? 'eth0';
  }

  /** Every process of the command runner this host shares with the journal reader and restic. */
  processCount(): number {
    return this.runner.spawnedCount;
  }

  async kernelVersion(): Promise<string> {
    return (await this.runner.check('uname', ['-a'])).stdout.trim();
  }

  async unitStates(units: readonly string[], signal?: AbortSignal): Promise<Map<string, UnitState>> {
    if (units.length === 0) return new Map();
    // `systemctl show` exits 0 for units it does not know (LoadState=not-found): any other exit means systemd
    // was not asked (no bus, no permission), and reading its empty output would report every unit as stopped.
    const result = await this.runner.check('systemctl', ['show', '--property=Id,LoadState,ActiveState', '--', ...units], { signal });
    return parseSystemctlShow(units, result.stdout);
  }

  async startUnit(unit: string): Promise<number> {
    return (await this.commandUnit('start', unit)).exitCode;
  }

  async stopUnit(unit: string): Promise<number> {
    return (await this.commandUnit('stop', unit)).exitCode;
  }

  async restartUnit(unit: string): Promise<number> {
    return (await this.commandUnit('restart', unit)).exitCode;
  }

  async commandUnit(verb: UnitVerb, unit: string): Promise<CommandOutcome> {
    const result = await this.runner.run('systemctl', [verb, '--no-block', '--', unit], { mergeOutput: true });
    return { exitCode: result.exitCode, output: result.stdout };
  }

  async unitLog(unit: string, lines: number): Promise<string[]> {
    const result = await this.runner.run('journalctl', ['--no-pager', '-u', unit, '-n', String(lines), '-o', 'cat']);
    // journalctl says "-- No entries --" when the unit never logged: that is not a log line.
    return result.stdout.split('\n').filter((line) => line !== '' && line !== '-- No entries --');
  }

  async *followUnitLog(unit: string, signal: AbortSignal): AsyncIterable<string> {
    const args = ['--no-pager', '-u', unit, '-f', '-n', '0', '-o', 'cat'];
    // a follow ends when the reader leaves (signal), never by a time limit
    for await (const { line } of this.runner.lines('journalctl', args, { signal, timeoutMs: Number.POSITIVE_INFINITY })) yield line;
  }

  async reboot(): Promise<void> {
    await this.runner.check('systemctl', ['reboot', '--no-block']);
  }

  async pullConfiguration(signal?: AbortSignal): Promise<CommandOutcome> {
    const result = await this.runner.run('git', ['pull'], { cwd: this.options.configDir, mergeOutput: true, signal });
    return { exitCode: result.exitCode, output: result.stdout };
  }

  async deleteOldGenerations(signal?: AbortSignal): Promise<CommandOutcome> {
    const result = await this.runner.run('nix-env', ['-p', SYSTEM_PROFILE, '--delete-generations', 'old'], { mergeOutput: true, signal });
    return { exitCode: result.exitCode, output: result.stdout };
  }

  async printDeadStorePaths(signal?: AbortSignal): Promise<string> {
    return (await this.runner.check('nix-store', ['--gc', '--print-dead'], { signal })).stdout;
  }

  async *collectGarbage(signal?: AbortSignal): AsyncIterable<string> {
    for await (const { line } of this.runner.lines('nix-store', ['--gc'], { signal })) yield line;
  }

  async blockDevices(): Promise<BlockDevice[]> {
    return parseLsblk((await this.runner.check('lsblk', ['-J', '-b', '-o', LSBLK_COLUMNS])).stdout);
  }

  async resizeFilesystem(devicePath: string, signal?: AbortSignal): Promise<CommandOutcome> {
    const result = await this.runner.run('resize2fs', ['--', devicePath], { mergeOutput: true, signal });
    return { exitCode: result.exitCode, output: result.stdout };
  }

  async folderSizes(paths: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const sizes = new Map(paths.map((path) => [path, 0]));
    if (paths.length === 0) return sizes;
    // One du for all paths; missing ones make du exit 1 but the others are still reported. Without -l, du
    // counts a file (or nested path) once across all arguments, so later paths would read too small or 0.
    const result = await this.runner.run('du', ['-s', '-b', '-l', '--', ...paths], { signal });
    for (const line of result.stdout.split('\n')) {
      const match = /^(\d+)\t(.*)$/.exec(line);
      if (match && sizes.has(match[2]!)) sizes.set(match[2]!, Number(match[1]));
    }
    return sizes;
  }

  async pathInfo(path: string): Promise<PathInfo> {
    const result = await this.runner.run('stat', ['--format=%F\t%U', '--', path]);
    if (result.exitCode !== 0) return { exists: false, isDirectory: false };
    const [type, owner] = result.stdout.trim().split('\t');
    return { exists: true, isDirectory: type === 'directory', owner };
  }

  async moveFolder(from: string, to: string, signal?: AbortSignal): Promise<void> {
    // the destination's parent may not exist yet (/volumes/<root> before the first migration to binds)
    await this.runner.check('mkdir', ['-p', '--', posix.dirname(to)], { signal });
    await this.runner.check('mv', ['-T', '--', from, to], { signal });
  }

  async chownRecursive(path: string, owner: string, group: string, signal?: AbortSignal): Promise<void> {
    await this.runner.check('chown', ['-R', `${owner}:${group}`, '--', path], { signal });
  }

  async bindMount(source: string, target: string, signal?: AbortSignal): Promise<void> {
    // the mount point may be gone (its data was just moved away): recreate it like the reference did
    await this.runner.check('mkdir', ['-p', '-m', '0750', '--', target], { signal });
    await this.runner.check('mount', ['--bind', '--', source, target], { signal });
  }

  async unmount(path: string): Promise<void> {
    await this.runner.check('umount', ['--', path]);
  }

  async readDkimRecord(domain: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.dkimDir, `${domain}.selector.txt`), 'utf8');
    } catch {
      return undefined;
    }
  }

  async acmeAccountUri(): Promise<string | undefined> {
    let newest: { ctime: number; file: string } | undefined;
    for (const account of await readdir(this.acmeAccountsDir).catch(() => [] as string[])) {
      const server = join(this.acmeAccountsDir, account, 'acme-v02.api.letsencrypt.org');
      for (const entry of await readdir(server).catch(() => [] as string[])) {
        const file = join(server, entry, 'account.json');
        const info = await stat(file).catch(() => undefined);
        if (info && (!newest || info.ctimeMs > newest.ctime)) newest = { ctime: info.ctimeMs, file };
      }
    }
    if (!newest) return undefined;
    try {
      const uri = (JSON.parse(await readFile(newest.file, 'utf8')) as { registration?: { uri?: unknown } }).registration?.uri;
      return typeof uri === 'string' && uri !== '' ? uri : undefined;
    } catch {
      return undefined;
    }
  }

  filesPath(folder: string): string {
    return folder;
  }

  async freeBytes(path: string): Promise<number> {
    const existing = await nearestExisting(path);
    const fs = await statfs(existing);
    return fs.bavail * fs.bsize;
  }

  async dumpDatabase(database: string, file: string, signal?: AbortSignal): Promise<void> {
    requireAbsolute(file);
    // The dumps folder holds whole databases: only root reads it.
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const url = `${POSTGRES_SOCKET_URL}/${encodeURIComponent(database)}`;
    const result = await this.runner.run('pg_dump', [`--dbname=${url}`, '--format=custom', `--file=${file}`], { signal });
    if (result.exitCode !== 0) throw new Error(`pg_dump of database ${database} failed (exit code ${result.exitCode}): ${stderrTail(result)}`);
  }

  async restoreDatabase(file: string, signal?: AbortSignal): Promise<void> {
    // An absolute path can never be read as an option, so the reference's argv stays exact (no `--`).
    requireAbsolute(file);
    const args = [`--dbname=${POSTGRES_SOCKET_URL}`, '--clean', '--create', '--exit-on-error', file];
    const result = await this.runner.run('pg_restore', args, { signal });
    if (result.exitCode !== 0) throw new Error(`pg_restore of ${file} failed (exit code ${result.exitCode}): ${stderrTail(result)}`);
  }

  async networkAddresses(): Promise<NetworkAddresses> {
    const addresses = networkInterfaces()[this.publicInterface] ?? [];
    const ipv4 = addresses.find((a) => a.family === 'IPv4')?.address ?? '';
    const ipv6 = addresses.find((a) => a.family === 'IPv6' && !a.address.startsWith('fe80') && !a.internal)?.address;
    return { ipv4, ipv6: ipv6?.split('%')[0] };
  }
}

/** `path` itself, or its nearest parent that exists (a service folder may not exist yet). */
async function nearestExisting(path: string): Promise<string> {
  for (let current = posix.resolve(path); ; current = posix.dirname(current)) {
    try {
      await stat(current);
      return current;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || current === '/') throw err;
    }
  }
}

function requireAbsolute(file: string): void {
  if (!posix.isAbsolute(file)) throw new Error(`A database dump needs an absolute path, not ${file}`);
}

/** The end of what the tool printed: PostgreSQL tools say what went wrong last. */
function stderrTail(result: RunResult): string {
  const text = (result.stderr || result.stdout).trim();
  return text.length > KEPT_STDERR ? `...${text.slice(-KEPT_STDERR)}` : text || 'no output';
}
