import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BackupProgress, type ResticRepository, resticRepositoryString } from '../../src/core/backups/backup-types.js';
import type { Logger } from '../../src/core/ports.js';
import { ExecRestic } from '../../src/infra/backups/exec-restic.js';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { tempDir } from './nixos-machine.js';

// The real restic (Debian packages restic and rclone; scripts/install-test-tools.sh) on a FILE repository,
// which restic opens through rclone as the reference did.
const hasRestic = spawnSync('restic', ['version']).status === 0;

const noLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function filesUnder(root: string, dir = root): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const [name, bytes] of filesUnder(root, path)) files.set(name, bytes);
    else files.set(path.slice(root.length), readFileSync(path));
  }
  return files;
}

describe.skipIf(!hasRestic)('ExecRestic with the real restic on a FILE repository', () => {
  it('initialises, backs up a folder with progress, lists, restores the same bytes, forgets', { timeout: 120_000 }, async () => {
    const base = tempDir('sp-restic-real-');
    const restic = new ExecRestic(new CommandRunner(), join(base, 'secrets'), noLogger);
    const repo: ResticRepository = { provider: 'FILE', location: join(base, 'repo'), login: '', providerKey: '', encryptionKey: 'a key with spaces & $ymbols' };
    const source = join(base, 'var', 'lib', 'nextcloud');
    mkdirSync(join(source, 'data', 'alice'), { recursive: true });
    writeFileSync(join(source, 'data', 'alice', 'photo.bin'), randomBytes(3_000_000));
    writeFileSync(join(source, 'config.php'), "<?php $CONFIG = ['instanceid' => 'oc1'];\n");
    writeFileSync(join(source, 'empty'), '');
    const progress: BackupProgress[] = [];

    expect(await restic.isInitialized(repo)).toBe(false);
    await restic.initRepository(repo);
    expect(await restic.isInitialized(repo)).toBe(true);
    const id = await restic.backup(repo, [source], { serviceId: 'nextcloud', reason: 'EXPLICIT' }, { onProgress: (p) => progress.push(p) });
    const snapshots = await restic.listSnapshots(repo);
    const target = join(base, 'restored');
    await restic.restore(repo, id, target);
    const size = await restic.snapshotSize(repo, id);
    const unknownSize = await restic.snapshotSize(repo, 'deadbeef').catch((e: unknown) => e);
    await restic.forget(repo, [id]);

    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.percent >= 0 && p.percent <= 100)).toBe(true);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ id, fullId: expect.stringMatching(new RegExp(`^${id}[0-9a-f]{56}$`)) as unknown, tags: ['nextcloud', 'EXPLICIT'], paths: [source], serviceId: 'nextcloud', reason: 'EXPLICIT' });
    expect(Math.abs(snapshots[0]!.time.getTime() - Date.now())).toBeLessThan(60_000);
    const original = filesUnder(source);
    const restored = filesUnder(join(target, source));
    expect([...restored.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, bytes] of original) expect(restored.get(name)!.equals(bytes), name).toBe(true);
    expect(size).toBe([...original.values()].reduce((sum, bytes) => sum + bytes.length, 0));
    expect(unknownSize).toMatchObject({ failure: 'FAILED', message: 'restic stats found no snapshot deadbeef' });
    expect(await restic.listSnapshots(repo)).toEqual([]);
  });

  it('a wrong password fails quickly with WRONG_PASSWORD', { timeout: 60_000 }, async () => {
    const base = tempDir('sp-restic-real-');
    const restic = new ExecRestic(new CommandRunner(), join(base, 'secrets'), noLogger);
    const repo: ResticRepository = { provider: 'FILE', location: join(base, 'repo'), login: '', providerKey: '', encryptionKey: 'right' };
    await restic.initRepository(repo);
    const started = Date.now();

    const err = await restic.listSnapshots({ ...repo, encryptionKey: 'wrong' }).catch((e: unknown) => e);
    const backupErr = await restic.backup({ ...repo, encryptionKey: 'wrong' }, [base], { serviceId: 'x', reason: 'AUTO' }).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'ResticError', failure: 'WRONG_PASSWORD', message: 'The backup repository did not accept the key: wrong password or no key found' });
    expect(backupErr).toMatchObject({ failure: 'WRONG_PASSWORD' });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a backup stopped midway rejects with the abort reason and leaves the repository usable', { timeout: 120_000 }, async () => {
    const { restic, repo, base } = await initialised();
    const source = join(base, 'big');
    mkdirSync(source);
    for (let i = 0; i < 4; i++) writeFileSync(join(source, `f${i}`), randomBytes(20_000_000));
    const stop = new AbortController();
    const reason = new Error('stopped by the test');

    const err = await restic.backup(repo, [source], { serviceId: 'big', reason: 'EXPLICIT' }, {
      signal: stop.signal,
      onProgress: (p) => { if (p.bytesDone > 0) stop.abort(reason); },
    }).catch((e: unknown) => e);

    expect(err).toBe(reason);
    expect(await restic.listSnapshots(repo)).toEqual([]);
    const id = await restic.backup(repo, [join(source, 'f0')], { serviceId: 'big', reason: 'EXPLICIT' });
    expect((await restic.listSnapshots(repo)).map((s) => s.id)).toEqual([id]);
  });

  it('a lock left by a killed restic is removed with `restic unlock` and the command retried', { timeout: 120_000 }, async () => {
    const warnings: string[] = [];
    const { restic, repo, base } = await initialised({ ...noLogger, warn: (msg: string) => warnings.push(msg) });
    const source = join(base, 'big');
    mkdirSync(source);
    for (let i = 0; i < 4; i++) writeFileSync(join(source, `f${i}`), randomBytes(20_000_000));
    const id = await restic.backup(repo, [join(source, 'f0')], { serviceId: 'big', reason: 'AUTO' });
    const keyFile = join(base, 'key');
    writeFileSync(keyFile, `${repo.encryptionKey}\n`, { mode: 0o600 });
    const locks = join(repo.location, 'locks');
    const holder = spawn('restic', ['-o', 'rclone.args=serve restic --stdio', '-r', resticRepositoryString('FILE', repo.location), 'backup', source], {
      env: { ...process.env, RESTIC_PASSWORD_FILE: keyFile }, stdio: 'ignore',
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    while (!existsSync(locks) || readdirSync(locks).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    holder.kill('SIGKILL');
    await exited;
    expect(readdirSync(locks)).toHaveLength(1);

    await restic.forget(repo, [id]);

    expect(warnings).toEqual(['the restic repository is locked: unlocking it and trying once more']);
    expect(readdirSync(locks)).toHaveLength(0);
    expect(await restic.listSnapshots(repo)).toEqual([]);
  });
});

async function initialised(logger: Logger = noLogger) {
  const base = tempDir('sp-restic-real-');
  const restic = new ExecRestic(new CommandRunner(), join(base, 'secrets'), logger);
  const repo: ResticRepository = { provider: 'FILE', location: join(base, 'repo'), login: '', providerKey: '', encryptionKey: 'key' };
  await restic.initRepository(repo);
  return { restic, repo, base };
}
