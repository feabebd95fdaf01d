import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandRunner, CommandStoppedError, CommandTimeoutError, type OutputLine } from '../../src/infra/host/command-runner.js';
import { defaultTimeoutMs } from '../../src/infra/host/command-timeouts.js';
import { NixosHost } from '../../src/infra/host/nixos-host.js';
import { isAlive, machine } from './nixos-machine.js';
import { addScriptedProgram } from './scripted-bin.js';

// Time limits, abort signals and shutdown: a hung program (and whatever it started) never outlives its caller.

/**
 * A fake program that starts a grandchild sharing its output pipes (like `sleep 1000 &` in a script),
 * writes both pids to `<name>.pids`, then never ends; with `ignoreTerm` it also shrugs off SIGTERM.
 */
function addHangingProgram(m: ReturnType<typeof machine>, name: string, ignoreTerm = false): () => number[] {
  const pidFile = join(m.fake.dir, `${name}.pids`);
  addScriptedProgram(m.fake, name, `
    ${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}
    const grandchild = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(`${ignoreTerm ? "process.on('SIGTERM', () => {}); " : ''}setInterval(() => {}, 1000)`)}], { stdio: 'inherit' });
    require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + ' ' + grandchild.pid);
    say('out', 'started\\n');
    setInterval(() => {}, 1000);`);
  return () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split(' ').map(Number) : []);
}

async function startedPids(pids: () => number[]): Promise<number[]> {
  for (let i = 0; i < 200 && pids().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  return pids();
}

// A killed process whose parent is gone can stay a zombie until init reaps it: it has ended all the same.
function ended(pid: number): boolean {
  if (!isAlive(pid)) return true;
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function allDead(pids: number[], withinMs = 5000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (pids.every((pid) => ended(pid))) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/** A NixosHost on the machine's fake programs whose runner gives every program `limitMs`. */
function hostWithLimit(m: ReturnType<typeof machine>, limitMs: number) {
  const runner = new CommandRunner({ ...m.fake.env, PATH: m.fake.dir }, () => limitMs);
  return { runner, host: new NixosHost(runner, { configDir: m.configDir }) };
}

describe('CommandRunner time limits', () => {
  it('fails a hung systemctl within its time limit, naming it, and kills it and the grandchild it started', async () => {
    const m = machine({});
    const pids = addHangingProgram(m, 'systemctl');
    const { host } = hostWithLimit(m, 400);

    const started = Date.now();
    const attempt = host.unitStates(['nginx.service']);

    await expect(attempt).rejects.toBeInstanceOf(CommandTimeoutError);
    await expect(attempt).rejects.toThrow('systemctl show --property=Id,LoadState,ActiveState -- nginx.service did not finish within 400 ms and was killed');
    expect(Date.now() - started).toBeLessThan(3000);
    const [leader, grandchild] = await startedPids(pids);
    expect(grandchild).toBeGreaterThan(0);
    expect(await allDead([leader!, grandchild!])).toBe(true);
  });

  it('gives quick system queries seconds and data- or store-sized work minutes or more, by program name', () => {
    for (const quick of ['systemctl', 'lsblk', 'stat', 'uname', 'ip', '/run/current-system/sw/bin/systemctl']) {
      expect(defaultTimeoutMs(quick)).toBeLessThanOrEqual(60_000);
    }
    for (const slow of ['git', 'nix', 'nix-store', 'nix-env', 'du', 'mv', 'chown', 'resize2fs']) {
      expect(defaultTimeoutMs(slow)).toBeGreaterThanOrEqual(5 * 60_000);
    }
    expect(Number.isFinite(defaultTimeoutMs('some-other-program'))).toBe(true);
  });

  it('kills with SIGKILL a group that ignores SIGTERM', async () => {
    const m = machine({});
    const pids = addHangingProgram(m, 'lsblk', true);
    const { host } = hostWithLimit(m, 300);

    await expect(host.blockDevices()).rejects.toBeInstanceOf(CommandTimeoutError);

    expect(await allDead(await startedPids(pids), 6000)).toBe(true);
  });
});

describe('CommandRunner abort signal', () => {
  it('an abort rejects with the reason at once and kills the whole group (a long mv and what it started)', async () => {
    const m = machine({ mkdir: [{}] });
    const pids = addHangingProgram(m, 'mv');
    const { host } = hostWithLimit(m, 60_000);
    const controller = new AbortController();

    const moving = host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea', controller.signal);
    const [leader, grandchild] = await startedPids(pids);
    controller.abort(new Error('job cancelled'));

    await expect(moving).rejects.toThrow('job cancelled');
    expect(await allDead([leader!, grandchild!])).toBe(true);
  });

  it('an already aborted signal runs nothing', async () => {
    const m = machine({ chown: [{}] });
    const { host } = hostWithLimit(m, 60_000);

    await expect(host.chownRecursive('/var/lib/gitea', 'gitea', 'gitea', AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });

    expect(m.argv()).toEqual([]);
  });
});

describe('CommandRunner.killAll', () => {
  it('kills every running command group, fails their callers, and refuses new commands', async () => {
    const m = machine({});
    const gitPids = addHangingProgram(m, 'git');
    const duPids = addHangingProgram(m, 'du');
    const { runner, host } = hostWithLimit(m, 60_000);
    const pulling = host.pullConfiguration();
    const measuring = host.folderSizes(['/var/lib/gitea']);
    const pids = [...(await startedPids(gitPids)), ...(await startedPids(duPids))];

    const outcomes = Promise.allSettled([pulling, measuring]);

    await runner.killAll();

    const [pulled, measured] = await outcomes;
    expect(pulled).toMatchObject({ status: 'rejected', reason: expect.any(CommandStoppedError) });
    expect(measured).toMatchObject({ status: 'rejected', reason: { message: 'du -s -b -l -- /var/lib/gitea was killed: the API is shutting down' } });
    expect(pids).toHaveLength(4);
    expect(await allDead(pids)).toBe(true);
    await expect(host.kernelVersion()).rejects.toBeInstanceOf(CommandStoppedError);
  });
});

describe('CommandRunner.lines options', () => {
  it('takes a working directory, extra environment and stdin, and keeps stdout and stderr apart', async () => {
    const runner = new CommandRunner();
    const script = `
      let input = '';
      process.stdin.on('data', (d) => (input += d)).on('end', () => {
        console.log('cwd ' + process.cwd());
        console.error('env ' + process.env.SP_LINES_SECRET);
        console.log('stdin ' + input.trim());
      });`;
    const seen: OutputLine[] = [];

    for await (const line of runner.lines(process.execPath, ['-e', script], { cwd: '/', env: { SP_LINES_SECRET: 'from-env' }, stdin: 'from-stdin\n' })) {
      seen.push(line);
    }

    expect(seen.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual(['cwd /', 'stdin from-stdin']);
    expect(seen.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(['env from-env']);
  });

  it('ends with a timeout error after the lines already printed, and kills the group', async () => {
    const m = machine({});
    const pids = addHangingProgram(m, 'journalctl');
    const runner = new CommandRunner({ ...m.fake.env, PATH: m.fake.dir });
    const seen: string[] = [];

    const reading = (async () => {
      for await (const { line } of runner.lines('journalctl', ['-u', 'x.service'], { timeoutMs: 400 })) seen.push(line);
    })();

    await expect(reading).rejects.toThrow('journalctl -u x.service did not finish within 400 ms and was killed');
    expect(seen).toEqual(['started']);
    expect(await allDead(await startedPids(pids))).toBe(true);
  });

  it('an abort ends the lines quietly and kills the grandchild too', async () => {
    const m = machine({});
    const pids = addHangingProgram(m, 'nix-store');
    const { host } = hostWithLimit(m, 60_000);
    const controller = new AbortController();
    const seen: string[] = [];

    for await (const line of host.collectGarbage(controller.signal)) {
      seen.push(line);
      await startedPids(pids);
      controller.abort();
    }

    expect(seen).toEqual(['started']);
    expect(await allDead(pids())).toBe(true);
  });
});
