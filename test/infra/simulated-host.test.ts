import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Clock, Logger } from '../../src/core/ports.js';
import { sampleHostState } from '../../src/infra/host/simulated-host-state.js';
import { SimulatedHost } from '../../src/infra/host/simulated-host.js';
import { rebuildScript } from '../../src/infra/host/simulated-rebuild.js';
import { SystemClock } from '../../src/infra/runtime/system-clock.js';
import { FixedClock } from '../fakes/fake-deps.js';
import { GC_RUN } from './recorded-output.js';

const temps: string[] = [];
const stateFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-sim-host-'));
  temps.push(dir);
  return join(dir, 'simulated-host.json');
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const errors: string[] = [];
const logger: Logger = { info: () => {}, warn: () => {}, error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`) };

/** Sleeps wait until the test lets them go, one at a time, so every intermediate state can be observed. */
class SteppedClock implements Clock {
  readonly requested: number[] = [];
  private readonly waiting: (() => void)[] = [];
  now(): Date {
    return new Date('2025-01-01T12:00:00Z');
  }
  sleep(ms: number): Promise<void> {
    this.requested.push(ms);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  /** Ends the oldest pending sleep (waiting for one to begin). */
  async release(): Promise<void> {
    await eventually(() => this.waiting.length > 0, 'a pending sleep');
    this.waiting.shift()!();
  }
  get pending(): number {
    return this.waiting.length;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const stateOf = async (host: SimulatedHost, unit: string) => {
  const state = (await host.unitStates([unit])).get(unit)!;
  return state.loaded ? state.activeState : 'not-found';
};

/** What the garbage collection task does with the output (spec §7.4), applied to any line source. */
function readCollection(dead: string, lines: string[]) {
  return {
    dead: dead.split('/nix/store/').length - 1,
    deleted: lines.filter((l) => l.includes("deleting '/nix/store/")).length,
    freed: /[+-]?\d+\.\d+ \w+(?= freed)/.exec(lines.find((l) => l.includes('store paths deleted,')) ?? '')?.[0],
  };
}

const collect = async (lines: AsyncIterable<string>) => {
  const seen: string[] = [];
  for await (const line of lines) seen.push(line);
  return seen;
};

describe('SimulatedHost units', () => {
  it('stop, start and restart move a unit through the systemd states over (clock) time and log each step', async () => {
    const clock = new SteppedClock();
    const host = new SimulatedHost(stateFile(), clock, logger);
    expect(await stateOf(host, 'nginx.service')).toBe('active');

    expect(await host.stopUnit('nginx.service')).toBe(0);
    expect(await stateOf(host, 'nginx.service')).toBe('deactivating');
    await clock.release();
    await eventually(async () => (await stateOf(host, 'nginx.service')) === 'inactive', 'inactive');

    expect(await host.startUnit('nginx.service')).toBe(0);
    expect(await stateOf(host, 'nginx.service')).toBe('activating');
    await new Promise((r) => setTimeout(r, 30));
    expect(await stateOf(host, 'nginx.service')).toBe('activating'); // nothing moves until the clock does
    await clock.release();
    await eventually(async () => (await stateOf(host, 'nginx.service')) === 'active', 'active');

    expect(await host.restartUnit('nginx.service')).toBe(0);
    expect(await stateOf(host, 'nginx.service')).toBe('activating');
    await clock.release();
    await eventually(async () => (await stateOf(host, 'nginx.service')) === 'active', 'active again');

    expect(clock.requested).toEqual([500, 800, 1000]);
    await eventually(async () => (await host.unitLog('nginx.service', 10)).length === 6, 'the last journal line');
    expect(await host.unitLog('nginx.service', 10)).toEqual([
      'Stopping nginx.service...', 'Stopped nginx.service.', 'Starting nginx.service...', 'Started nginx.service.',
      'Restarting nginx.service...', 'Started nginx.service.',
    ]);
    expect(await host.unitLog('nginx.service', 2)).toEqual(['Restarting nginx.service...', 'Started nginx.service.']);
  });

  it('answers 5 (unit not found) for units that do not exist, and reports them as not loaded', async () => {
    const host = new SimulatedHost(stateFile(), new FixedClock(new Date()), logger);
    expect(await host.startUnit('pleroma.service')).toBe(5);
    expect(await host.stopUnit('pleroma.service')).toBe(5);
    expect(await host.restartUnit('pleroma.service')).toBe(5);
    expect((await host.unitStates(['pleroma.service', 'postfix.service'])).get('pleroma.service')).toEqual({
      unit: 'pleroma.service', loaded: false, activeState: 'inactive',
    });
    expect(await host.unitLog('pleroma.service', 10)).toEqual([]);
  });

  it('a rebuild goes activating -> active -> inactive, logging the rebuild lines in order, then applies the service plan', async () => {
    const clock = new SteppedClock();
    const file = stateFile();
    const host = new SimulatedHost(file, clock, logger);
    let planned = 0;
    host.onRebuild(async () => {
      planned += 1;
      return { present: ['gitea.service', 'forgejo.service'], absent: ['vaultwarden.service'] };
    });
    const unit = 'sp-nixos-rebuild.service';
    const follower = new AbortController();
    const followed: string[] = [];
    const following = (async () => {
      for await (const line of host.followUnitLog(unit, follower.signal)) followed.push(line);
    })();

    expect(await host.startUnit(unit)).toBe(0);
    expect(await stateOf(host, unit)).toBe('activating');
    expect(await host.startUnit(unit)).toBe(0); // already running: nothing more happens
    await clock.release();
    await eventually(async () => (await stateOf(host, unit)) === 'active', 'active');
    const script = rebuildScript();
    for (let i = 0; i < script.length; i++) {
      expect(planned).toBe(0); // the plan applies only once every line is out
      await clock.release();
      await eventually(() => followed.length === i + 1, `journal line ${i + 1}`);
      expect(await stateOf(host, unit)).toBe('active');
    }
    await eventually(() => clock.pending > 0, 'the last pause');
    expect(planned).toBe(1);
    expect(await stateOf(host, 'gitea.service')).toBe('active');
    expect(await stateOf(host, 'vaultwarden.service')).toBe('not-found');
    await clock.release();
    await eventually(async () => (await stateOf(host, unit)) === 'inactive', 'inactive');

    follower.abort();
    await following;
    expect(followed).toEqual([...script, `Finished ${unit}.`]);
    expect(await host.unitLog(unit, 3)).toEqual([...script.slice(-2), `Finished ${unit}.`]);
    expect(clock.requested).toEqual([500, ...script.map(() => 600), 300]);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.units).toMatchObject({ 'gitea.service': 'active', 'forgejo.service': 'active', [unit]: 'inactive' });
    expect(saved.units['vaultwarden.service']).toBeUndefined();
    expect(saved.generations).toBe(sampleHostState().generations + 1);
    expect(readCollection(await host.printDeadStorePaths(), []).dead).toBe(sampleHostState().deadStorePaths + 37);
    expect(errors).toEqual([]);
  });

  it('a rebuild without a plan keeps the service units as they are; the upgrade unit logs the lock file update first', async () => {
    const host = new SimulatedHost(stateFile(), new SystemClock(0.001), logger);
    const before = Object.fromEntries(await host.unitStates(['nginx.service', 'vaultwarden.service']));
    const abort = new AbortController();
    const lines: string[] = [];
    const following = (async () => {
      for await (const line of host.followUnitLog('sp-nixos-upgrade.service', abort.signal)) {
        lines.push(line);
        if (line.startsWith('Finished')) abort.abort();
      }
    })();
    expect(await host.startUnit('sp-nixos-upgrade.service')).toBe(0);
    await following;
    expect(lines[0]).toBe("warning: updating lock file '/etc/nixos/flake.lock':");
    expect(lines.at(-1)).toBe('Finished sp-nixos-upgrade.service.');
    await eventually(async () => (await stateOf(host, 'sp-nixos-upgrade.service')) === 'inactive', 'inactive');
    expect(Object.fromEntries(await host.unitStates(['nginx.service', 'vaultwarden.service']))).toEqual(before);
  });

  it('followUnitLog delivers only that unit\'s new lines and ends when aborted', async () => {
    const host = new SimulatedHost(stateFile(), new FixedClock(new Date()), logger);
    host.journal.append('nginx.service', 'old line, before following');
    const abort = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const line of host.followUnitLog('nginx.service', abort.signal)) seen.push(line);
    })();
    await new Promise((r) => setTimeout(r, 10));
    host.journal.append('postfix.service', 'other unit');
    host.journal.append('nginx.service', 'one');
    host.journal.append('nginx.service', 'two');
    await eventually(() => seen.length === 2, 'two lines');
    abort.abort();
    await following;
    host.journal.append('nginx.service', 'after abort');
    expect(seen).toEqual(['one', 'two']);
    const already = new AbortController();
    already.abort();
    expect(await collect(host.followUnitLog('nginx.service', already.signal))).toEqual([]);
  });

  it('rollback goes back one generation; reboot only writes to the journal', async () => {
    const file = stateFile();
    const host = new SimulatedHost(file, new FixedClock(new Date()), logger);
    expect(await host.startUnit('sp-nixos-rollback.service')).toBe(0);
    await eventually(() => existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).generations === sampleHostState().generations - 1, 'rollback');
    await eventually(() => host.journal.all().length === 2, 'the rollback journal lines');
    expect(host.journal.all().map((e) => e.message)).toEqual(['switching to the previous system generation...', 'Finished rolling back the system.']);
    await host.reboot();
    expect(host.journal.all().at(-1)).toMatchObject({ systemdUnit: null, priority: 5, message: expect.stringContaining('reboot') });
    expect(await stateOf(host, 'nginx.service')).toBe('active');
  });
});

describe('SimulatedHost garbage collection', () => {
  it('prints dead paths and collects them in the format real nix prints, so one parser reads both', async () => {
    const host = new SimulatedHost(stateFile(), new SystemClock(0.001), logger);
    const generations = await host.deleteOldGenerations();
    expect(generations.exitCode).toBe(0);
    expect(generations.output.split('\n')[0]).toBe('removing profile version 1');
    expect(generations.output.match(/^removing profile version \d+$/gm)).toHaveLength(sampleHostState().generations - 1);
    expect(await host.deleteOldGenerations()).toEqual({ exitCode: 0, output: '' });

    const dead = await host.printDeadStorePaths();
    expect(dead.split('\n').filter(Boolean).every((line) => /^\/nix\/store\/[0-9a-z]{32}-[^/\s]+$/.test(line))).toBe(true);
    const lines = await collect(host.collectGarbage());
    expect(lines[0]).toBe('finding garbage collector roots...');
    expect(lines.at(-2)).toBe('deleting unused links...');
    expect(lines.at(-1)).toMatch(/^\d+ store paths deleted, \d+\.\d\d MiB freed$/);
    const simulated = readCollection(dead, lines);
    expect(simulated).toEqual({ dead: sampleHostState().deadStorePaths, deleted: sampleHostState().deadStorePaths, freed: expect.stringMatching(/^\d+\.\d\d MiB$/) });

    // The same reading of a recorded real run.
    const real = readCollection('', GC_RUN.map(([, text]) => text));
    expect(real.freed).toBe('339.84 MiB');
    expect(real.deleted).toBeGreaterThan(0);

    // Nothing left afterwards: the task says "Nothing to clear".
    expect(readCollection(await host.printDeadStorePaths(), []).dead).toBe(0);
    expect(readCollection('', await collect(host.collectGarbage())).deleted).toBe(0);
  });
});

describe('SimulatedHost storage', () => {
  const GIB = 1024 ** 3;
  const MIB = 1024 ** 2;

  it('lists the sample block devices as lsblk flattens them and reports folder sizes through bind mounts', async () => {
    const host = new SimulatedHost(stateFile(), new FixedClock(new Date()), logger);
    const devices = await host.blockDevices();
    expect(devices.map((d) => d.name)).toEqual(['sda', 'sdb', 'sr0', 'sda1']);
    const sizes = await host.folderSizes(['/var/lib/nextcloud', '/volumes/sdb/nextcloud', '/var/vmail', '/var/lib/pleroma', '/var/lib/nothing-here']);
    expect(Object.fromEntries(sizes)).toEqual({
      '/var/lib/nextcloud': Math.round(3.4 * GIB),
      '/volumes/sdb/nextcloud': Math.round(3.4 * GIB),
      '/var/vmail': Math.round(1.3 * GIB),
      '/var/lib/pleroma': 0,
      '/var/lib/nothing-here': 0,
    });
    expect(await host.pathInfo('/var/lib/gitea')).toEqual({ exists: true, isDirectory: true, owner: 'gitea' });
    expect(await host.pathInfo('/volumes/sdb')).toEqual({ exists: true, isDirectory: true, owner: 'root' });
    expect(await host.pathInfo('/var/lib/nothing-here')).toEqual({ exists: false, isDirectory: false });
  });

  it('moving a service folder between volumes moves its size and the used/free bytes of both volumes', async () => {
    const host = new SimulatedHost(stateFile(), new SystemClock(0.001), logger);
    const usage = async () => {
      const devices = await host.blockDevices();
      const pick = (name: string) => {
        const d = devices.find((x) => x.name === name)!;
        return { used: Number(d.fsused), free: Number(d.fsavail) };
      };
      return { root: pick('sda1'), volume: pick('sdb') };
    };
    const before = await usage();
    const gitea = Math.round(420 * MIB);

    await host.unmount('/var/lib/gitea');
    await host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea');
    await host.bindMount('/volumes/sdb/gitea', '/var/lib/gitea');
    await host.chownRecursive('/volumes/sdb/gitea', 'forgejo', 'forgejo');

    const after = await usage();
    expect(after.volume).toEqual({ used: before.volume.used + gitea, free: before.volume.free - gitea });
    expect(after.root).toEqual({ used: before.root.used - gitea, free: before.root.free + gitea });
    expect(Object.fromEntries(await host.folderSizes(['/var/lib/gitea', '/volumes/sda1/gitea', '/volumes/sdb/gitea']))).toEqual({
      '/var/lib/gitea': gitea, '/volumes/sda1/gitea': 0, '/volumes/sdb/gitea': gitea,
    });
    expect(await host.pathInfo('/var/lib/gitea')).toEqual({ exists: true, isDirectory: true, owner: 'forgejo' });
  });

  it('fails like mv and umount do for a missing source, an occupied target or a path that is not mounted, changing nothing', async () => {
    const host = new SimulatedHost(stateFile(), new FixedClock(new Date()), logger);
    const before = await host.blockDevices();
    await expect(host.moveFolder('/volumes/sda1/nope', '/volumes/sdb/nope')).rejects.toThrow("mv: cannot stat '/volumes/sda1/nope': No such file or directory");
    await expect(host.unmount('/var/lib/nope')).rejects.toThrow('umount: /var/lib/nope: not mounted.');
    await expect(host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/nextcloud')).rejects.toThrow(
      "mv: cannot move '/volumes/sda1/gitea' to '/volumes/sdb/nextcloud': Directory not empty",
    );
    expect((await host.folderSizes(['/volumes/sdb/nextcloud'])).get('/volumes/sdb/nextcloud')).toBe(Math.round(3.4 * GIB));
    expect(await host.blockDevices()).toEqual(before);
  });

  it('honours an abort signal: a move stops waiting at once, and already aborted calls change nothing', async () => {
    const host = new SimulatedHost(stateFile(), new SystemClock(1), logger);
    const controller = new AbortController();
    const cancelled = AbortSignal.abort(new Error('job cancelled'));

    const started = Date.now();
    const moving = host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea', controller.signal);
    setTimeout(() => controller.abort(new Error('job cancelled')), 20);

    await expect(moving).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(1000); // a simulated move takes 1.5 s
    const before = await host.blockDevices();
    await expect(host.moveFolder('/volumes/sdb/gitea', '/volumes/sda1/gitea', cancelled)).rejects.toThrow('job cancelled');
    await expect(host.chownRecursive('/volumes/sdb/gitea', 'root', 'root', cancelled)).rejects.toThrow('job cancelled');
    await expect(host.bindMount('/volumes/sdb/gitea', '/var/lib/gitea', cancelled)).rejects.toThrow('job cancelled');
    await expect(host.folderSizes(['/var/lib/gitea'], cancelled)).rejects.toThrow('job cancelled');
    await expect(host.resizeFilesystem('/dev/sdb', cancelled)).rejects.toThrow('job cancelled');
    await expect(host.pullConfiguration(cancelled)).rejects.toThrow('job cancelled');
    await expect(host.deleteOldGenerations(cancelled)).rejects.toThrow('job cancelled');
    await expect(host.printDeadStorePaths(cancelled)).rejects.toThrow('job cancelled');
    expect(await host.blockDevices()).toEqual(before);
    expect(await host.pathInfo('/volumes/sdb/gitea')).toMatchObject({ owner: 'gitea' });
  });

  it('stops collecting garbage when its signal aborts', async () => {
    const host = new SimulatedHost(stateFile(), new FixedClock(new Date()), logger);
    const controller = new AbortController();
    const seen: string[] = [];

    for await (const line of host.collectGarbage(controller.signal)) {
      seen.push(line);
      if (seen.length === 5) controller.abort();
    }

    expect(seen).toHaveLength(5);
  });

  it('resize2fs grows a filesystem to its device size and fails for an unknown device', async () => {
    const host = new SimulatedHost(stateFile(), new FixedClock(new Date()), logger);
    const sdb = (await host.blockDevices()).find((d) => d.name === 'sdb')!;
    const grow = Number(sdb.size) - Number(sdb.fssize);
    expect(await host.resizeFilesystem('/dev/sdb')).toEqual({ exitCode: 0, output: 'The filesystem on /dev/sdb is now resized.\n' });
    const grown = (await host.blockDevices()).find((d) => d.name === 'sdb')!;
    expect(grown.fssize).toBe(sdb.size);
    expect(Number(grown.fsavail)).toBe(Number(sdb.fsavail) + grow);
    expect((await host.resizeFilesystem('/dev/sdz')).exitCode).toBe(1);
  });

  it('reports whole byte counts even from a state file an older version wrote with fractions', async () => {
    const file = stateFile();
    const old = sampleHostState();
    const sdb = old.devices.find((d) => d.name === 'sdb')!;
    Object.assign(sdb, { fssize: '21152713932.8', fsused: '107374182.4', fsavail: '21045339750.4' });
    writeFileSync(file, JSON.stringify(old));
    const host = new SimulatedHost(file, new SystemClock(0.001), logger);

    await host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea');
    const devices = await host.blockDevices();

    for (const d of devices) {
      for (const value of [d.size, d.fssize, d.fsused, d.fsavail]) if (value !== null) expect(value, d.name).toMatch(/^\d+$/);
    }
    expect(devices.find((d) => d.name === 'sdb')!.fssize).toBe('21152713933');
  });

  it('keeps its state in the state file: a second instance on the same file sees the first one\'s changes', async () => {
    const file = stateFile();
    const first = new SimulatedHost(file, new SystemClock(0.001), logger);
    await first.stopUnit('nginx.service');
    await eventually(async () => (await stateOf(first, 'nginx.service')) === 'inactive', 'inactive');
    await first.moveFolder('/volumes/sdb/nextcloud', '/volumes/sda1/nextcloud');
    const second = new SimulatedHost(file, new SystemClock(0.001), logger);
    expect(await stateOf(second, 'nginx.service')).toBe('inactive');
    expect((await second.folderSizes(['/volumes/sda1/nextcloud'])).get('/volumes/sda1/nextcloud')).toBe(Math.round(3.4 * GIB));
    expect(await second.blockDevices()).toEqual(await first.blockDevices());
    expect(await second.kernelVersion()).toBe(sampleHostState().kernel);
  });

  it('reads a DKIM record, an ACME account and network addresses that look like the real ones', async () => {
    const host = new SimulatedHost(stateFile(), new FixedClock(new Date()), logger);
    const dkim = await host.readDkimRecord('example.org');
    expect(dkim).toMatch(/^selector\._domainkey IN TXT \( "v=DKIM1; k=rsa; " "p=[A-Za-z0-9+/=]+" \) ; ----- DKIM key selector for example\.org\n$/);
    expect(await host.readDkimRecord('example.org')).toBe(dkim);
    expect(await host.acmeAccountUri()).toMatch(/^https:\/\/acme-v02\.api\.letsencrypt\.org\/acme\/acct\/\d+$/);
    expect(await host.networkAddresses()).toEqual({ ipv4: '203.0.113.10', ipv6: '2001:db8::10' });
  });
});
