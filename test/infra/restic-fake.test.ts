import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BackupProgress, type ResticRepository, ResticError } from '../../src/core/backups/backup-types.js';
import type { Logger } from '../../src/core/ports.js';
import { ExecRestic } from '../../src/infra/backups/exec-restic.js';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { fakeBin } from '../support/fake-bin.js';
import { tempDir } from './nixos-machine.js';
import { addScriptedProgram } from './scripted-bin.js';

// restic as a fake program on PATH: each call records its argv, the RESTIC_* / RCLONE_* environment, and the
// password file as restic would read it (content, its mode and its folder's mode).

const KEY = 'correct horse battery staple';
const B2_LOGIN = '0012345abcdef0000000001';
const B2_KEY = 'K001abcdefghijklmnopqrstuvwxyz01';
const FILE_REPO: ResticRepository = { provider: 'FILE', location: '/srv/backups/repo', login: '', providerKey: '', encryptionKey: KEY };
const B2_REPO: ResticRepository = { provider: 'BACKBLAZE', location: 'my-bucket', login: B2_LOGIN, providerKey: B2_KEY, encryptionKey: KEY };
const FILE_BASE = ['-o', 'rclone.args=serve restic --stdio', '-r', 'rclone::local:/srv/backups/repo', '--json'];
const B2_BASE = ['-o', 'rclone.args=serve restic --stdio', '-r', 'rclone::b2:my-bucket', '--json'];

// From `restic backup --json` (restic 0.14) of a folder of six files, paths shortened.
const BACKUP_OUTPUT = [
  '{"message_type":"status","percent_done":0,"total_files":1,"total_bytes":30000000}',
  '{"message_type":"status","percent_done":0.01597075,"total_files":6,"total_bytes":180000000,"bytes_done":2874735,"current_files":["/var/lib/nextcloud/f1","/var/lib/nextcloud/f2"]}',
  'not json at all',
  '{"message_type":"status","percent_done":0.3494400277777778,"total_files":6,"files_done":2,"total_bytes":180000000,"bytes_done":62899205,"current_files":["/var/lib/nextcloud/f3","/var/lib/nextcloud/f4"]}',
  '{"message_type":"status","seconds_elapsed":1,"percent_done":0.9900086399424004,"total_files":6,"files_done":5,"total_bytes":150001000,"bytes_done":148502286,"current_files":["/var/lib/nextcloud/f5"]}',
  '{"message_type":"summary","files_new":6,"files_changed":0,"files_unmodified":0,"dirs_new":3,"dirs_changed":0,"dirs_unmodified":0,"data_blobs":98,"tree_blobs":4,"data_added":150010296,"total_files_processed":6,"total_bytes_processed":150001000,"total_duration":1.182907384,"snapshot_id":"a2f7951e"}',
];

const SNAPSHOTS = JSON.stringify([
  { time: '2026-11-29T19:21:26.008607859Z', tree: 'ab', paths: ['/var/lib/nextcloud'], hostname: 'vm', username: 'root', tags: ['nextcloud', 'AUTO'], id: '217b84fd82a27c48a50bd46c894755f585f9eb0904bcad2f1dc0482b7310ec4d', short_id: '217b84fd' },
  { time: 'not a time', id: 'ffff', short_id: 'ffff0000' },
  { time: '2026-11-30T01:00:00+01:00', paths: ['/var/vmail', '/var/sieve'], tags: ['mailserver'], id: '65339632aa', short_id: '65339632' },
]);

interface Call { args: string[]; env: Record<string, string>; password: string; fileMode: number; dirMode: number }

function recordingLogger() {
  const warnings: string[] = [];
  const logged: string[] = [];
  const record = (msg: string, fields?: Record<string, unknown>) => logged.push(JSON.stringify({ msg, fields }));
  const logger: Logger = {
    info: record,
    warn: (msg, fields) => {
      warnings.push(msg);
      record(msg, fields);
    },
    error: record,
  };
  return { logger, warnings, logged };
}

/** A fake restic whose behaviour is `body` (JavaScript seeing `args`, `say`, `sleep`, `count`: this call's number from 1). */
function fakeRestic(body: string) {
  const fake = fakeBin({});
  const callLog = join(fake.dir, 'restic-calls.jsonl');
  addScriptedProgram(fake, 'restic', `
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(RESTIC|RCLONE)_/.test(k)));
    const file = process.env.RESTIC_PASSWORD_FILE;
    const password = file ? fs.readFileSync(file, 'utf8') : '';
    const fileMode = file ? fs.statSync(file).mode & 0o777 : 0;
    const dirMode = file ? fs.statSync(require('node:path').dirname(file)).mode & 0o777 : 0;
    fs.appendFileSync(${JSON.stringify(callLog)}, JSON.stringify({ args, env, password, fileMode, dirMode }) + '\\n');
    const count = fs.readFileSync(${JSON.stringify(callLog)}, 'utf8').split('\\n').filter(Boolean).length;
    ${body}
  `);
  const secrets = join(tempDir('sp-restic-secrets-'), 'secrets');
  const { logger, warnings, logged } = recordingLogger();
  const restic = new ExecRestic(new CommandRunner(fake.env), secrets, logger);
  const calls = (): Call[] => (existsSync(callLog) ? readFileSync(callLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call) : []);
  return { restic, calls, warnings, logged, secrets };
}

const envWith = (extra: Record<string, string>) => ({ RESTIC_PASSWORD_FILE: expect.stringMatching(/restic-password-[0-9a-f]{16}$/) as unknown, ...extra });
const B2_ENV = { RCLONE_B2_ACCOUNT: B2_LOGIN, RCLONE_B2_KEY: B2_KEY };

describe('ExecRestic against a fake restic', () => {
  it('FILE: every subcommand runs with the rclone local repository, --json, and the key only in a 0600 file in a 0700 folder', async () => {
    const { restic, calls, secrets } = fakeRestic(`
      if (args.includes('snapshots')) say('out', ${JSON.stringify(SNAPSHOTS)});
      if (args.includes('init')) say('out', 'created restic repository ca7a1ea1a9 at rclone::local:/srv/backups/repo\\n');
      if (args.includes('restore')) say('out', 'restoring <Snapshot 217b84fd of [/var/lib/nextcloud] at 2026-11-29 19:21:26 +0000 UTC by root@vm> to /var/tmp/restore\\n');
    `);

    await restic.initRepository(FILE_REPO);
    expect(await restic.isInitialized(FILE_REPO)).toBe(true);
    const snapshots = await restic.listSnapshots(FILE_REPO);
    await restic.restore(FILE_REPO, '217b84fd', '/var/tmp/restore');
    await restic.forget(FILE_REPO, ['217b84fd', '65339632']);
    await restic.unlock(FILE_REPO);

    expect(calls().map((c) => c.args)).toEqual([
      [...FILE_BASE, 'init'],
      [...FILE_BASE, 'cat', 'config'],
      [...FILE_BASE, 'snapshots'],
      [...FILE_BASE, 'restore', '217b84fd', '--target', '/var/tmp/restore', '--verify'],
      [...FILE_BASE, 'forget', '--prune', '--', '217b84fd', '65339632'],
      [...FILE_BASE, 'unlock'],
    ]);
    for (const call of calls()) {
      expect(call.env).toEqual(envWith({}));
      expect(call.env.RESTIC_PASSWORD_FILE!.startsWith(`${secrets}/`)).toBe(true);
      expect(call.password).toBe(`${KEY}\n`);
      expect([call.fileMode, call.dirMode]).toEqual([0o600, 0o700]);
      expect(call.args.join(' ')).not.toContain(KEY);
    }
    expect(new Set(calls().map((c) => c.env.RESTIC_PASSWORD_FILE)).size).toBe(6);
    for (const call of calls()) expect(existsSync(call.env.RESTIC_PASSWORD_FILE!)).toBe(false);
    expect((statSync(secrets).mode & 0o777).toString(8)).toBe('700');
    expect(snapshots).toEqual([
      {
        id: '217b84fd', fullId: '217b84fd82a27c48a50bd46c894755f585f9eb0904bcad2f1dc0482b7310ec4d', time: new Date('2026-11-29T19:21:26.008Z'),
        tags: ['nextcloud', 'AUTO'], paths: ['/var/lib/nextcloud'], serviceId: 'nextcloud', reason: 'AUTO',
      },
      { id: '65339632', fullId: '65339632aa', time: new Date('2026-11-30T00:00:00Z'), tags: ['mailserver'], paths: ['/var/vmail', '/var/sieve'], serviceId: 'mailserver', reason: 'EXPLICIT' },
    ]);
  });

  it('BACKBLAZE: rclone::b2:<bucket>, the b2 account and key in the environment only, never in argv', async () => {
    const { restic, calls } = fakeRestic(`
      if (args.includes('snapshots')) say('out', '[]');
      if (args.includes('init')) say('out', '{"message_type":"initialized","id":"ca7a1ea1a9","repository":"rclone::b2:my-bucket"}\\n');
    `);

    await restic.initRepository(B2_REPO);
    expect(await restic.listSnapshots(B2_REPO)).toEqual([]);
    await restic.forget(B2_REPO, ['217b84fd']);

    expect(calls().map((c) => c.args)).toEqual([[...B2_BASE, 'init'], [...B2_BASE, 'snapshots'], [...B2_BASE, 'forget', '--prune', '--', '217b84fd']]);
    for (const call of calls()) {
      expect(call.env).toEqual(envWith(B2_ENV));
      expect(call.password).toBe(`${KEY}\n`);
      for (const secret of [KEY, B2_LOGIN, B2_KEY]) expect(call.args.join(' ')).not.toContain(secret);
    }
  });

  it('snapshotSize: `restic stats <id> --json` through rclone, total_size in bytes, the key and b2 secrets only in file and environment', async () => {
    const { restic, calls } = fakeRestic(`say('out', '{"total_size":3000042,"total_file_count":4,"snapshots_count":1}\\n');`);

    const size = await restic.snapshotSize(B2_REPO, '217b84fd');

    expect(size).toBe(3000042);
    expect(calls().map((c) => c.args)).toEqual([[...B2_BASE, 'stats', '217b84fd']]);
    expect(calls()[0]!.env).toEqual(envWith(B2_ENV));
    expect(calls()[0]!.password).toBe(`${KEY}\n`);
    for (const secret of [KEY, B2_LOGIN, B2_KEY]) expect(calls()[0]!.args.join(' ')).not.toContain(secret);
  });

  it('snapshotSize fails loudly when restic counts no snapshot (an unknown id) or prints no total size', async () => {
    const { restic } = fakeRestic(`
      if (args.includes('aaaaaaaa')) say('out', '{"total_size":0,"total_file_count":0,"snapshots_count":0}\\n');
      else say('out', 'Ignoring something\\n');
    `);

    await expect(restic.snapshotSize(FILE_REPO, 'aaaaaaaa')).rejects.toMatchObject({ failure: 'FAILED', message: 'restic stats found no snapshot aaaaaaaa' });
    await expect(restic.snapshotSize(FILE_REPO, 'bbbbbbbb')).rejects.toMatchObject({ failure: 'FAILED', message: 'restic stats bbbbbbbb printed no total size' });
  });

  it('init: exit code 0 without restic saying it created the repository is a failure', async () => {
    const { restic } = fakeRestic(`say('err', 'rclone: 2026/11/29 NOTICE: Config file not found - using defaults\\n');`);

    await expect(restic.initRepository(FILE_REPO)).rejects.toMatchObject({
      failure: 'FAILED', message: 'restic init ended without saying it created the repository: no output',
    });
  });

  it('restore: exit code 0 without restic saying `restoring` (nor a JSON summary) is a failure; a JSON summary is accepted', async () => {
    const { restic } = fakeRestic(`
      if (args.includes('aaaaaaaa')) say('err', 'something odd happened\\n');
      else say('out', '{"message_type":"summary","total_files":2,"files_restored":2}\\n');
    `);

    await expect(restic.restore(FILE_REPO, 'aaaaaaaa', '/var/tmp/r')).rejects.toMatchObject({
      failure: 'FAILED', message: 'restic restore of aaaaaaaa ended without saying it restored anything: something odd happened',
    });
    await expect(restic.restore(FILE_REPO, 'bbbbbbbb', '/var/tmp/r')).resolves.toBeUndefined();
  });

  it('backup: tags and paths in argv, progress from the JSON status lines and the summary totals, the snapshot id from the summary, a non-JSON line logged and skipped', async () => {
    const { restic, calls, warnings } = fakeRestic(`
      for (const line of ${JSON.stringify(BACKUP_OUTPUT)}) { say('out', line + '\\n'); await sleep(5); }
      say('err', 'rclone: 2026/11/29 19:22:56 NOTICE: Config file not found - using defaults\\n');
    `);
    const progress: BackupProgress[] = [];

    const id = await restic.backup(B2_REPO, ['/var/lib/nextcloud', '/var/lib/postgresql-dumps/nextcloud'], { serviceId: 'nextcloud', reason: 'EXPLICIT' }, { onProgress: (p) => progress.push(p) });

    expect(id).toBe('a2f7951e');
    expect(calls().map((c) => c.args)).toEqual([
      [...B2_BASE, 'backup', '--tag', 'nextcloud', '--tag', 'EXPLICIT', '--', '/var/lib/nextcloud', '/var/lib/postgresql-dumps/nextcloud'],
    ]);
    expect(calls()[0]!.env).toEqual(envWith(B2_ENV));
    expect(progress).toEqual([
      { percent: 0, bytesDone: 0, bytesTotal: 30000000, filesDone: 0, filesTotal: 1 },
      { percent: 1, bytesDone: 2874735, bytesTotal: 180000000, filesDone: 0, filesTotal: 6 },
      { percent: 34, bytesDone: 62899205, bytesTotal: 180000000, filesDone: 2, filesTotal: 6 },
      { percent: 99, bytesDone: 148502286, bytesTotal: 150001000, filesDone: 5, filesTotal: 6 },
      // the summary's totals close it
      { percent: 100, bytesDone: 150001000, bytesTotal: 150001000, filesDone: 6, filesTotal: 6 },
    ]);
    expect(warnings).toEqual(['skipped a restic backup line that is not JSON']);
  });

  it('backup: an error line from restic fails the backup even though a snapshot was written', async () => {
    const { restic } = fakeRestic(`
      say('out', '{"message_type":"error","error":{"Op":"open","Path":"/var/lib/x/b","Err":13},"during":"archival","item":"/var/lib/x/b"}\\n');
      say('out', ${JSON.stringify(BACKUP_OUTPUT.at(-1))} + '\\n');
      process.exitCode = 3;
    `);

    await expect(restic.backup(FILE_REPO, ['/var/lib/x'], { serviceId: 'x', reason: 'AUTO' })).rejects.toMatchObject({ failure: 'FAILED', message: expect.stringContaining('/var/lib/x/b') });
  });

  it('a held lock: one `restic unlock`, then the same command once more', async () => {
    const { restic, calls } = fakeRestic(`
      if (count === 1) { say('err', 'Fatal: unable to create lock in backend: repository is already locked by PID 4242 on vm by root (UID 0, GID 0)\\n'); process.exitCode = 1; }
      else if (args.includes('snapshots')) say('out', '[]');
    `);

    expect(await restic.listSnapshots(FILE_REPO)).toEqual([]);

    expect(calls().map((c) => c.args.slice(FILE_BASE.length))).toEqual([['snapshots'], ['unlock'], ['snapshots']]);
  });

  it('a lock still held after the unlock fails with LOCKED after exactly one retry (backup too), logging no secret', async () => {
    const { restic, calls, logged } = fakeRestic(`
      if (!args.includes('unlock')) { say('err', 'Fatal: unable to create lock in backend: repository is already locked exclusively\\n'); process.exitCode = 1; }
    `);

    const err = await restic.backup(B2_REPO, ['/srv/a'], { serviceId: 'a', reason: 'EXPLICIT' }).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'ResticError', failure: 'LOCKED' });
    expect(calls().map((c) => c.args[B2_BASE.length])).toEqual(['backup', 'unlock', 'backup']);
    expect(logged).toHaveLength(1);
    for (const secret of [KEY, B2_LOGIN, B2_KEY]) expect([...logged, (err as Error).message].join('\n')).not.toContain(secret);
  });

  it('a wrong password is a clear WRONG_PASSWORD error, not retried', async () => {
    const { restic, calls } = fakeRestic(`say('err', 'Fatal: wrong password or no key found\\n'); process.exitCode = 1;`);

    const err = await restic.listSnapshots(FILE_REPO).catch((e: unknown) => e);
    const backupErr = await restic.backup(FILE_REPO, ['/srv/a'], { serviceId: 'a', reason: 'EXPLICIT' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ResticError);
    expect(err).toMatchObject({ failure: 'WRONG_PASSWORD', message: 'The backup repository did not accept the key: wrong password or no key found' });
    expect(backupErr).toMatchObject({ failure: 'WRONG_PASSWORD' });
    expect(calls()).toHaveLength(2);
  });

  it('isInitialized is false where there is no repository; other failures keep restic\'s reason', async () => {
    const { restic } = fakeRestic(`
      if (args.includes('cat')) say('err', 'Fatal: unable to open config file: <config/> does not exist\\nIs there a repository at the following location?\\nrclone::local:/srv/backups/repo\\n');
      else say('err', 'rclone: 2026/11/29 NOTICE: Config file not found - using defaults\\nFatal: create repository at rclone::local:/srv/backups/repo failed: permission denied\\n');
      process.exitCode = 1;
    `);

    expect(await restic.isInitialized(FILE_REPO)).toBe(false);
    await expect(restic.initRepository(FILE_REPO)).rejects.toMatchObject({
      failure: 'FAILED', message: 'restic init failed: Fatal: create repository at rclone::local:/srv/backups/repo failed: permission denied',
    });
  });

  it('NONE has no repository: NOT_CONFIGURED, and restic never runs', async () => {
    const { restic, calls } = fakeRestic('');

    await expect(restic.listSnapshots({ ...FILE_REPO, provider: 'NONE' })).rejects.toMatchObject({ failure: 'NOT_CONFIGURED' });

    expect(calls()).toEqual([]);
  });
});
