import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandFailedError, CommandRunner } from '../../src/infra/host/command-runner.js';
import { NixosHost } from '../../src/infra/host/nixos-host.js';
import { collect, isAlive, machine } from './nixos-machine.js';
import {
  DU, GC_RUN, GIT_PULL_FAILED, GIT_PULL_OK, HETZNER_LSBLK, JOURNAL_TAIL, NIX_ENV_DELETE, PRINT_DEAD, RESIZE2FS, SYSTEMCTL_SHOW, UNAME,
} from './recorded-output.js';
import { addScriptedProgram, streamsBody } from './scripted-bin.js';

describe('NixosHost against fake programs on PATH', () => {
  it('kernelVersion runs `uname -a` and trims it', async () => {
    const m = machine({ uname: [{ stdout: UNAME }] });
    expect(await m.host.kernelVersion()).toBe('Linux my-server 6.6.63 #1-NixOS SMP PREEMPT_DYNAMIC Fri Nov 22 14:38:37 UTC 2024 x86_64 GNU/Linux');
    expect(m.argv()).toEqual([['uname', '-a']]);
  });

  it('unitStates asks systemctl once for every unit and reads the not-found one as not loaded', async () => {
    const m = machine({ systemctl: [{ args: ['show'], stdout: SYSTEMCTL_SHOW }] });
    const states = await m.host.unitStates(['dovecot2.service', 'postfix.service', 'gitea.service']);
    expect(m.argv()).toEqual([['systemctl', 'show', '--property=Id,LoadState,ActiveState', '--', 'dovecot2.service', 'postfix.service', 'gitea.service']]);
    expect(Object.fromEntries(states)).toEqual({
      'dovecot2.service': { unit: 'dovecot2.service', loaded: true, activeState: 'active' },
      'postfix.service': { unit: 'postfix.service', loaded: true, activeState: 'failed' },
      'gitea.service': { unit: 'gitea.service', loaded: false, activeState: 'inactive' },
    });
  });

  it('unitStates rejects with systemctl\'s reason when systemd cannot be asked (not every unit read as stopped)', async () => {
    const m = machine({ systemctl: [{ args: ['show'], stderr: 'Failed to connect to bus: Host is down\n', exitCode: 1 }] });

    await expect(m.host.unitStates(['dovecot2.service', 'gitea.service'])).rejects.toThrow('systemctl exited with code 1: Failed to connect to bus: Host is down');
  });

  it('commandUnit returns systemctl\'s exit code and its reason for a refusal', async () => {
    const m = machine({ systemctl: [{ args: ['stop', '--no-block', '--', 'forgejo.service'], stderr: 'Failed to stop forgejo.service: Unit forgejo.service is masked.\n', exitCode: 1 }, { args: ['start'] }] });

    const refused = await m.host.commandUnit('stop', 'forgejo.service');
    const started = await m.host.commandUnit('start', 'forgejo.service');

    expect(refused).toEqual({ exitCode: 1, output: 'Failed to stop forgejo.service: Unit forgejo.service is masked.\n' });
    expect(started).toEqual({ exitCode: 0, output: '' });
    expect(m.argv()).toEqual([['systemctl', 'stop', '--no-block', '--', 'forgejo.service'], ['systemctl', 'start', '--no-block', '--', 'forgejo.service']]);
  });

  it('unitStates of no units runs nothing', async () => {
    const m = machine({ systemctl: [{ stdout: SYSTEMCTL_SHOW }] });
    expect((await m.host.unitStates([])).size).toBe(0);
    expect(m.argv()).toEqual([]);
  });

  it('start/stop/restart ask systemctl without blocking and return its exit code (5 for an unknown unit)', async () => {
    const unknown = 'Failed to start nope.service: Unit nope.service not found.\n';
    const m = machine({
      systemctl: [
        { args: ['start', '--no-block', '--', 'nope.service'], stderr: unknown, exitCode: 5 },
        { args: ['stop', '--no-block', '--', 'nope.service'], stderr: 'Failed to stop nope.service: Unit nope.service not loaded.\n', exitCode: 5 },
        { args: ['restart'], exitCode: 0 },
        { args: ['start'], exitCode: 0 },
        { args: ['stop'], exitCode: 0 },
      ],
    });
    expect(await m.host.startUnit('sp-nixos-rebuild.service')).toBe(0);
    expect(await m.host.startUnit('nope.service')).toBe(5);
    expect(await m.host.stopUnit('gitea.service')).toBe(0);
    expect(await m.host.stopUnit('nope.service')).toBe(5);
    expect(await m.host.restartUnit('nginx.service')).toBe(0);
    expect(m.argv()).toEqual([
      ['systemctl', 'start', '--no-block', '--', 'sp-nixos-rebuild.service'],
      ['systemctl', 'start', '--no-block', '--', 'nope.service'],
      ['systemctl', 'stop', '--no-block', '--', 'gitea.service'],
      ['systemctl', 'stop', '--no-block', '--', 'nope.service'],
      ['systemctl', 'restart', '--no-block', '--', 'nginx.service'],
    ]);
  });

  it('unitLog runs `journalctl -u X -n N -o cat` without a pager and returns the message lines, oldest first', async () => {
    const m = machine({ journalctl: [{ stdout: JOURNAL_TAIL }] });
    const lines = await m.host.unitLog('sp-nixos-rebuild.service', 10);
    expect(m.argv()).toEqual([['journalctl', '--no-pager', '-u', 'sp-nixos-rebuild.service', '-n', '10', '-o', 'cat']]);
    expect(lines[0]).toBe('building the system configuration...');
    expect(lines.at(-1)).toBe('Failed to start NixOS Rebuild.');
    expect(lines).toContain('       > nginx: [emerg] unknown directive "sever_name" in /nix/store/abc-nginx.conf:12');
    expect(lines).toHaveLength(9); // the empty message line and the final newline are not lines
  });

  it('followUnitLog yields lines as `journalctl -f` prints them and kills it on abort', async () => {
    const m = machine({});
    const pidFile = join(m.fake.dir, 'journalctl.pid');
    addScriptedProgram(m.fake, 'journalctl', `
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
      say('out', 'building the system configuration...\\n');
      await sleep(50);
      say('out', 'activating the configuration...\\n');
      await sleep(50);
      say('out', 'setting up /etc...\\n');
      setInterval(() => {}, 1000);`);
    const controller = new AbortController();
    const seen: string[] = [];
    const started = Date.now();
    for await (const line of m.host.followUnitLog('sp-nixos-rebuild.service', controller.signal)) {
      seen.push(line);
      if (seen.length === 3) controller.abort();
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(seen).toEqual(['building the system configuration...', 'activating the configuration...', 'setting up /etc...']);
    expect(m.argv()).toEqual([['journalctl', '--no-pager', '-u', 'sp-nixos-rebuild.service', '-f', '-n', '0', '-o', 'cat']]);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(pid)).toBe(false);
  });

  it('reboot runs `systemctl reboot --no-block`; a failure surfaces with systemctl\'s message', async () => {
    const ok = machine({ systemctl: [{ args: ['reboot'] }] });
    await ok.host.reboot();
    expect(ok.argv()).toEqual([['systemctl', 'reboot', '--no-block']]);
    const refused = machine({ systemctl: [{ args: ['reboot'], stderr: 'Failed to reboot system via logind: Access denied\n', exitCode: 1 }] });
    await expect(refused.host.reboot()).rejects.toThrow('systemctl exited with code 1: Failed to reboot system via logind: Access denied');
  });

  it('pullConfiguration runs `git pull` in the configuration checkout and returns the merged output', async () => {
    const m = machine({});
    addScriptedProgram(m.fake, 'git', streamsBody(GIT_PULL_OK));
    const outcome = await m.host.pullConfiguration();
    expect(outcome).toEqual({ exitCode: 0, output: GIT_PULL_OK.map(([, text]) => text).join('') });
    const [call] = m.fake.calls() as unknown as { program: string; args: string[]; cwd: string }[];
    expect([call!.program, ...call!.args]).toEqual(['git', 'pull']);
    expect(call!.cwd).toBe(m.configDir);
  });

  it('pullConfiguration reports a failed pull as its exit code and message, without throwing', async () => {
    const m = machine({ git: [{ args: ['pull'], stderr: GIT_PULL_FAILED, exitCode: 1 }] });
    expect(await m.host.pullConfiguration()).toEqual({ exitCode: 1, output: GIT_PULL_FAILED });
  });

  it('deleteOldGenerations runs nix-env on the system profile and returns its (stderr) output', async () => {
    const m = machine({ 'nix-env': [{ stderr: NIX_ENV_DELETE }] });
    expect(await m.host.deleteOldGenerations()).toEqual({ exitCode: 0, output: NIX_ENV_DELETE });
    expect(m.argv()).toEqual([['nix-env', '-p', '/nix/var/nix/profiles/system', '--delete-generations', 'old']]);
  });

  it('deleteOldGenerations returns a failure instead of throwing (callers ignore it)', async () => {
    const m = machine({ 'nix-env': [{ stderr: "error: opening lock file '/nix/var/nix/profiles/system.lock': Permission denied\n", exitCode: 1 }] });
    expect(await m.host.deleteOldGenerations()).toEqual({ exitCode: 1, output: "error: opening lock file '/nix/var/nix/profiles/system.lock': Permission denied\n" });
  });

  it('printDeadStorePaths returns only stdout, so the count of /nix/store/ is the count of dead paths', async () => {
    const m = machine({ 'nix-store': [{ args: ['--gc', '--print-dead'], ...PRINT_DEAD }] });
    const output = await m.host.printDeadStorePaths();
    expect(m.argv()).toEqual([['nix-store', '--gc', '--print-dead']]);
    expect(output).toBe(PRINT_DEAD.stdout);
    expect(output.split('/nix/store/').length - 1).toBe(3); // how the garbage collection task counts them
  });

  it('collectGarbage streams `nix-store --gc` line by line, stderr and stdout interleaved as printed', async () => {
    const m = machine({});
    addScriptedProgram(m.fake, 'nix-store', streamsBody(GC_RUN.map(([stream, text]) => [stream, `${text}\n`])));
    const lines = await collect(m.host.collectGarbage());
    expect(m.argv()).toEqual([['nix-store', '--gc']]);
    expect(lines).toEqual(GC_RUN.map(([, text]) => text));
    // What the garbage collection task reads from it (spec: count `deleting '/nix/store/`, regex on the summary).
    expect(lines.filter((l) => l.includes("deleting '/nix/store/"))).toHaveLength(4);
    const summary = lines.find((l) => l.includes('store paths deleted,'));
    expect(/[+-]?\d+\.\d+ \w+(?= freed)/.exec(summary ?? '')?.[0]).toBe('339.84 MiB');
  });

  it('collectGarbage stops nix-store when its signal aborts', async () => {
    const m = machine({});
    addScriptedProgram(m.fake, 'nix-store', `
      say('err', 'finding garbage collector roots...\\n');
      for (let i = 0; ; i++) { say('err', "deleting '/nix/store/" + i + "-pkg'\\n"); await sleep(10); }`);
    const controller = new AbortController();
    let count = 0;
    for await (const line of m.host.collectGarbage(controller.signal)) {
      count += 1;
      if (line.includes("'/nix/store/5-pkg'")) controller.abort();
      if (count > 500) break;
    }
    expect(count).toBeLessThan(100);
    const { pid } = m.fake.calls()[0] as unknown as { pid: number };
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(pid)).toBe(false);
  });

  it('blockDevices runs lsblk with the reference columns in bytes and flattens the JSON', async () => {
    const m = machine({ lsblk: [{ stdout: HETZNER_LSBLK }] });
    const devices = await m.host.blockDevices();
    expect(m.argv()).toEqual([['lsblk', '-J', '-b', '-o', 'NAME,PATH,FSAVAIL,FSSIZE,FSTYPE,FSUSED,MOUNTPOINTS,LABEL,UUID,SIZE,MODEL,SERIAL,TYPE']]);
    expect(devices.map((d) => `${d.name}:${d.type}:${d.mountpoints.join('+')}`)).toEqual([
      'sda:disk:', 'sdb:disk:/volumes/sdb', 'sr0:rom:', 'sda1:part:/nix/store+/', 'sda14:part:', 'sda15:part:/boot',
    ]);
    expect(devices[1]).toMatchObject({ fsavail: '10188570624', fssize: '10464022528', fsused: '4096', model: 'Volume' });
  });

  it('blockDevices fails with lsblk\'s message when lsblk fails', async () => {
    const m = machine({ lsblk: [{ stderr: 'lsblk: unknown column: MOUNTPOINTS\n', exitCode: 1 }] });
    await expect(m.host.blockDevices()).rejects.toThrow('lsblk exited with code 1: lsblk: unknown column: MOUNTPOINTS');
  });

  it('resizeFilesystem runs resize2fs on the device and returns the merged output and exit code', async () => {
    const m = machine({
      resize2fs: [
        { args: ['--', '/dev/sdb'], ...RESIZE2FS },
        { args: ['--', '/dev/sdc'], stderr: 'resize2fs 1.47.0 (5-Feb-2023)\nresize2fs: Bad magic number in super-block while trying to open /dev/sdc\n', exitCode: 1 },
      ],
    });
    const grown = await m.host.resizeFilesystem('/dev/sdb');
    expect(grown.exitCode).toBe(0);
    expect(grown.output).toContain('The filesystem on /dev/sdb is now 5242880 (4k) blocks long.');
    expect(grown.output).toContain('on-line resizing required');
    expect(await m.host.resizeFilesystem('/dev/sdc')).toEqual({
      exitCode: 1,
      output: 'resize2fs 1.47.0 (5-Feb-2023)\nresize2fs: Bad magic number in super-block while trying to open /dev/sdc\n',
    });
    expect(m.argv()).toEqual([['resize2fs', '--', '/dev/sdb'], ['resize2fs', '--', '/dev/sdc']]);
  });

  it('folderSizes runs one du for all paths; a missing path (du exits 1) reads 0 and the others are reported', async () => {
    const m = machine({ du: [DU] });
    const sizes = await m.host.folderSizes(['/var/lib/nextcloud', '/var/lib/gitea', '/var/lib/pleroma']);
    expect(Object.fromEntries(sizes)).toEqual({ '/var/lib/nextcloud': 3650722201, '/var/lib/gitea': 440401920, '/var/lib/pleroma': 0 });
    expect(m.argv()).toEqual([['du', '-s', '-b', '-l', '--', '/var/lib/nextcloud', '/var/lib/gitea', '/var/lib/pleroma']]);
  });

  it('folderSizes of no paths runs nothing', async () => {
    const m = machine({ du: [DU] });
    expect((await m.host.folderSizes([])).size).toBe(0);
    expect(m.argv()).toEqual([]);
  });

  it('pathInfo reads `stat --format=%F<TAB>%U`: directory and owner, a file, and a missing path', async () => {
    const m = machine({
      stat: [
        { args: ['--format=%F\t%U', '--', '/var/lib/gitea'], stdout: 'directory\tgitea\n' },
        { args: ['--format=%F\t%U', '--', '/etc/nixos/userdata.json'], stdout: 'regular file\troot\n' },
        { args: ['--format=%F\t%U', '--', '/var/lib/nope'], stderr: "stat: cannot statx '/var/lib/nope': No such file or directory\n", exitCode: 1 },
      ],
    });
    expect(await m.host.pathInfo('/var/lib/gitea')).toEqual({ exists: true, isDirectory: true, owner: 'gitea' });
    expect(await m.host.pathInfo('/etc/nixos/userdata.json')).toEqual({ exists: true, isDirectory: false, owner: 'root' });
    expect(await m.host.pathInfo('/var/lib/nope')).toEqual({ exists: false, isDirectory: false });
    expect(m.argv()[0]).toEqual(['stat', '--format=%F\t%U', '--', '/var/lib/gitea']);
  });

  it('moveFolder and bindMount create the missing parent / mount point first; chown and umount pass argument arrays', async () => {
    const m = machine({ mkdir: [{}], mv: [{}], chown: [{}], mount: [{}], umount: [{}] });
    await m.host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea');
    await m.host.chownRecursive('/volumes/sdb/gitea', 'gitea', 'gitea');
    await m.host.bindMount('/volumes/sdb/gitea', '/var/lib/gitea');
    await m.host.unmount('/var/lib/gitea');
    expect(m.argv()).toEqual([
      ['mkdir', '-p', '--', '/volumes/sdb'],
      ['mv', '-T', '--', '/volumes/sda1/gitea', '/volumes/sdb/gitea'],
      ['chown', '-R', 'gitea:gitea', '--', '/volumes/sdb/gitea'],
      ['mkdir', '-p', '-m', '0750', '--', '/var/lib/gitea'],
      ['mount', '--bind', '--', '/volumes/sdb/gitea', '/var/lib/gitea'],
      ['umount', '--', '/var/lib/gitea'],
    ]);
  });

  it('puts `--` before every path, so a path that starts with "-" is never read as an option', async () => {
    const m = machine({ mkdir: [{}], mv: [{}], chown: [{}], mount: [{}], umount: [{}], du: [{}], stat: [{ exitCode: 1 }], resize2fs: [{}] });
    await m.host.moveFolder('-rf', '--target-directory=x');
    await m.host.chownRecursive('--reference=/etc/shadow', 'gitea', 'gitea');
    await m.host.bindMount('-o', '--rbind');
    await m.host.unmount('-a');
    await m.host.folderSizes(['--files0-from=/etc/shadow']);
    await m.host.pathInfo('-L');
    await m.host.resizeFilesystem('-f');
    expect(m.argv()).toEqual([
      ['mkdir', '-p', '--', '.'],
      ['mv', '-T', '--', '-rf', '--target-directory=x'],
      ['chown', '-R', 'gitea:gitea', '--', '--reference=/etc/shadow'],
      ['mkdir', '-p', '-m', '0750', '--', '--rbind'],
      ['mount', '--bind', '--', '-o', '--rbind'],
      ['umount', '--', '-a'],
      ['du', '-s', '-b', '-l', '--', '--files0-from=/etc/shadow'],
      ['stat', '--format=%F\t%U', '--', '-L'],
      ['resize2fs', '--', '-f'],
    ]);
  });

  it('mkdir, mv, chown, mount and umount failures surface as errors carrying the program\'s stderr', async () => {
    const m = machine({
      mkdir: [{}],
      mv: [{ stderr: "mv: cannot move '/volumes/sda1/gitea' to '/volumes/sdb/gitea': Directory not empty\n", exitCode: 1 }],
      chown: [{ stderr: "chown: invalid user: 'gitea:gitea'\n", exitCode: 1 }],
      mount: [{ stderr: 'mount: /var/lib/gitea: special device /volumes/sdb/gitea does not exist.\n       dmesg(1) may have more information after failed mount system call.\n', exitCode: 32 }],
      umount: [{ stderr: 'umount: /var/lib/gitea: not mounted.\n', exitCode: 32 }],
    });
    await expect(m.host.moveFolder('/volumes/sda1/gitea', '/volumes/sdb/gitea')).rejects.toThrow(
      "mv exited with code 1: mv: cannot move '/volumes/sda1/gitea' to '/volumes/sdb/gitea': Directory not empty",
    );
    await expect(m.host.chownRecursive('/volumes/sdb/gitea', 'gitea', 'gitea')).rejects.toThrow("chown exited with code 1: chown: invalid user: 'gitea:gitea'");
    await expect(m.host.bindMount('/volumes/sdb/gitea', '/var/lib/gitea')).rejects.toThrow(
      'mount exited with code 32: mount: /var/lib/gitea: special device /volumes/sdb/gitea does not exist.',
    );
    const unmounting = m.host.unmount('/var/lib/gitea');
    await expect(unmounting).rejects.toBeInstanceOf(CommandFailedError);
    await expect(unmounting).rejects.toThrow('umount exited with code 32: umount: /var/lib/gitea: not mounted.');
    const mkdirFails = machine({ mkdir: [{ stderr: "mkdir: cannot create directory '/volumes/sdc': Read-only file system\n", exitCode: 1 }], mv: [{}], mount: [{}] });
    await expect(mkdirFails.host.moveFolder('/volumes/sda1/gitea', '/volumes/sdc/gitea')).rejects.toThrow(
      "mkdir exited with code 1: mkdir: cannot create directory '/volumes/sdc': Read-only file system",
    );
    await expect(mkdirFails.host.bindMount('/volumes/sdc/gitea', '/var/lib/gitea')).rejects.toThrow('mkdir exited with code 1');
    expect(mkdirFails.argv().map(([program]) => program)).toEqual(['mkdir', 'mkdir']); // neither mv nor mount ran
  });

  it('a program missing from PATH rejects instead of hanging', async () => {
    const m = machine({});
    const bare = new NixosHost(new CommandRunner({ PATH: m.fake.dir }), { configDir: m.configDir });
    await expect(bare.kernelVersion()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(bare.startUnit('nginx.service')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never passes a secret from its environment or the secrets file on argv', async () => {
    const secrets = { SP_DNS_TOKEN: 'cf-dns-token-0d9e8f7a6b5c', SP_BACKUP_KEY: 'b2-application-key-1f2e3d4c' };
    const m = machine(
      {
        uname: [{ stdout: UNAME }], systemctl: [{ args: ['show'], stdout: SYSTEMCTL_SHOW }, {}], journalctl: [{ stdout: JOURNAL_TAIL }],
        git: [{}], 'nix-env': [{}], 'nix-store': [{ args: ['--gc', '--print-dead'], ...PRINT_DEAD }, { stdout: '0 store paths deleted, 0.00 MiB freed\n' }],
        lsblk: [{ stdout: HETZNER_LSBLK }], resize2fs: [{}], du: [DU], stat: [{ stdout: 'directory\troot\n' }], mkdir: [{}], mv: [{}], chown: [{}], mount: [{}], umount: [{}],
      },
      secrets,
    );
    writeFileSync(join(m.configDir, 'secrets.json'), JSON.stringify({ dns: { token: secrets.SP_DNS_TOKEN } }));
    const h = m.host;
    const aborted = new AbortController();
    await h.kernelVersion();
    await h.unitStates(['a.service', 'b.service', 'c.service']);
    await h.startUnit('a.service');
    await h.stopUnit('a.service');
    await h.restartUnit('a.service');
    await h.unitLog('a.service', 10);
    setTimeout(() => aborted.abort(), 100);
    await collect(h.followUnitLog('a.service', aborted.signal));
    await h.reboot();
    await h.pullConfiguration();
    await h.deleteOldGenerations();
    await h.printDeadStorePaths();
    await collect(h.collectGarbage());
    await h.blockDevices();
    await h.resizeFilesystem('/dev/sdb');
    await h.folderSizes(['/var/lib/gitea']);
    await h.pathInfo('/var/lib/gitea');
    await h.moveFolder('/a', '/b');
    await h.chownRecursive('/b', 'gitea', 'gitea');
    await h.bindMount('/b', '/a');
    await h.unmount('/a');
    const argvs = m.argv();
    expect(new Set(argvs.map(([program]) => program))).toEqual(
      new Set(['uname', 'systemctl', 'journalctl', 'git', 'nix-env', 'nix-store', 'lsblk', 'resize2fs', 'du', 'stat', 'mkdir', 'mv', 'chown', 'mount', 'umount']),
    );
    for (const argv of argvs) {
      for (const secret of Object.values(secrets)) expect(argv.join('\u0000')).not.toContain(secret);
    }
  });
});
