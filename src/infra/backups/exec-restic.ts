import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BackupOptions, type BackupTags, type ResticPort, type ResticRepository, type ResticSnapshot, ResticError, resticRepositoryString,
} from '../../core/backups/backup-types.js';
import type { Logger } from '../../core/ports.js';
import type { CommandRunner, RunResult } from '../host/command-runner.js';
import { initConfirmed, parseBackupLine, parseSnapshots, parseStats, restoreConfirmed } from './restic-output.js';

const MINUTE = 60_000;
// Commands that only read or write a little (the repository's config, its snapshot list, a lock) get minutes;
// backup, restore and forget --prune keep restic's long default (command-timeouts.ts).
const SHORT_TIMEOUT_MS = 10 * MINUTE;
// The reference's rclone invocation, less its credentials: those travel in the environment.
const RCLONE_ARGS = 'rclone.args=serve restic --stdio';
const KEPT_OUTPUT = 4000;

/**
 * restic through the command runner, with `--json`. The repository password is written to a fresh 0600 file
 * in the 0700 folder `secretsDir` for each command (RESTIC_PASSWORD_FILE) and removed after it; Backblaze
 * credentials go to rclone as RCLONE_B2_ACCOUNT / RCLONE_B2_KEY. Neither ever appears in argv or a log line.
 */
export class ExecRestic implements ResticPort {
  constructor(
    private readonly runner: CommandRunner,
    private readonly secretsDir: string,
    private readonly logger: Logger,
  ) {}

  async initRepository(repo: ResticRepository): Promise<void> {
    const { stdout, stderr } = await this.check(repo, ['init'], SHORT_TIMEOUT_MS);
    if (!initConfirmed(stdout)) {
      throw new ResticError('FAILED', `restic init ended without saying it created the repository: ${lastLines(`${stderr}\n${stdout}`) || 'no output'}`);
    }
  }

  async isInitialized(repo: ResticRepository): Promise<boolean> {
    try {
      await this.check(repo, ['cat', 'config'], SHORT_TIMEOUT_MS);
      return true;
    } catch (err) {
      if (err instanceof ResticError && err.failure === 'NO_REPOSITORY') return false;
      throw err;
    }
  }

  backup(repo: ResticRepository, paths: readonly string[], tags: BackupTags, options: BackupOptions = {}): Promise<string> {
    const args = ['backup', '--tag', tags.serviceId, '--tag', tags.reason, '--', ...paths];
    return this.withLockRetry(repo, () => this.backupOnce(repo, args, options));
  }

  async listSnapshots(repo: ResticRepository): Promise<ResticSnapshot[]> {
    const { stdout } = await this.check(repo, ['snapshots'], SHORT_TIMEOUT_MS);
    let parsed: ReturnType<typeof parseSnapshots>;
    try {
      parsed = parseSnapshots(stdout);
    } catch (err) {
      throw new ResticError('FAILED', 'restic snapshots printed something that is not a snapshot list', { cause: err });
    }
    if (parsed.skipped > 0) this.logger.warn('skipped restic snapshots that could not be read', { skipped: parsed.skipped });
    return parsed.snapshots;
  }

  async restore(repo: ResticRepository, snapshotId: string, target: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const { stdout, stderr } = await this.check(repo, ['restore', snapshotId, '--target', target, '--verify'], undefined, options.signal);
    if (!restoreConfirmed(stdout)) {
      throw new ResticError('FAILED', `restic restore of ${snapshotId} ended without saying it restored anything: ${lastLines(`${stderr}\n${stdout}`) || 'no output'}`);
    }
  }

  async snapshotSize(repo: ResticRepository, snapshotId: string): Promise<number> {
    const { stdout } = await this.check(repo, ['stats', snapshotId], SHORT_TIMEOUT_MS);
    const stats = parseStats(stdout);
    if (stats === null) throw new ResticError('FAILED', `restic stats ${snapshotId} printed no total size`);
    // restic ignores an unknown id and answers the stats of nothing, with exit code 0.
    if (stats.snapshotsCount === 0) throw new ResticError('FAILED', `restic stats found no snapshot ${snapshotId}`);
    return stats.totalSize;
  }

  async forget(repo: ResticRepository, snapshotIds: readonly string[]): Promise<void> {
    await this.check(repo, ['forget', '--prune', '--', ...snapshotIds]);
  }

  async unlock(repo: ResticRepository): Promise<void> {
    await this.once(repo, ['unlock'], SHORT_TIMEOUT_MS);
  }

  /** Runs a subcommand; a held lock is removed with one `restic unlock` and the subcommand run once more. */
  private check(repo: ResticRepository, sub: string[], timeoutMs?: number, signal?: AbortSignal): Promise<RunResult> {
    return this.withLockRetry(repo, () => this.once(repo, sub, timeoutMs, signal));
  }

  private async withLockRetry<T>(repo: ResticRepository, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ResticError) || err.failure !== 'LOCKED') throw err;
      this.logger.warn('the restic repository is locked: unlocking it and trying once more', { repository: resticRepositoryString(repo.provider, repo.location) });
      await this.unlock(repo);
      return attempt();
    }
  }

  private async once(repo: ResticRepository, sub: string[], timeoutMs?: number, signal?: AbortSignal): Promise<RunResult> {
    const result = await this.withEnvironment(repo, (env) => this.runner.run('restic', [...baseArgs(repo), ...sub], { env, timeoutMs, signal }));
    if (result.exitCode !== 0) throw failure(sub[0]!, `${result.stderr}\n${result.stdout}`);
    return result;
  }

  private backupOnce(repo: ResticRepository, args: string[], options: BackupOptions): Promise<string> {
    return this.withEnvironment(repo, async (env) => {
      let snapshotId: string | undefined;
      const errors: string[] = [];
      let stderr = '';
      try {
        for await (const { stream, line } of this.runner.lines('restic', [...baseArgs(repo), ...args], { env, signal: options.signal })) {
          if (stream === 'stderr') {
            if (stderr.length < KEPT_OUTPUT) stderr += `${line}\n`;
            continue;
          }
          if (line.trim() === '') continue;
          const message = parseBackupLine(line);
          if (message === null) this.logger.warn('skipped a restic backup line that is not JSON', { line: line.slice(0, 200) });
          else if (message.kind === 'status') options.onProgress?.(message.progress);
          else if (message.kind === 'summary') {
            snapshotId = message.snapshotId;
            options.onProgress?.(message.progress);
          }
          else if (message.kind === 'error') errors.push(message.message);
        }
      } catch (err) {
        throw new ResticError('FAILED', `restic backup failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (options.signal?.aborted) throw options.signal.reason;
      if (errors.length > 0) throw new ResticError('FAILED', `restic backup failed: ${errors.join('; ').slice(0, 1000)}`);
      if (snapshotId === undefined) throw failure('backup', stderr);
      return snapshotId;
    });
  }

  /** The environment of one command: a fresh password file (removed afterwards) and the provider's credentials. */
  private async withEnvironment<T>(repo: ResticRepository, use: (env: Record<string, string>) => Promise<T>): Promise<T> {
    resticRepositoryString(repo.provider, repo.location); // NONE fails before anything is written
    await mkdir(this.secretsDir, { recursive: true, mode: 0o700 });
    await chmod(this.secretsDir, 0o700);
    const passwordFile = join(this.secretsDir, `restic-password-${randomBytes(8).toString('hex')}`);
    await writeFile(passwordFile, `${repo.encryptionKey}\n`, { mode: 0o600, flag: 'wx' });
    const env: Record<string, string> = { RESTIC_PASSWORD_FILE: passwordFile };
    if (repo.provider === 'BACKBLAZE') {
      if (repo.login !== '') env.RCLONE_B2_ACCOUNT = repo.login;
      if (repo.providerKey !== '') env.RCLONE_B2_KEY = repo.providerKey;
    }
    try {
      return await use(env);
    } finally {
      await rm(passwordFile, { force: true });
    }
  }
}

function baseArgs(repo: ResticRepository): string[] {
  return ['-o', RCLONE_ARGS, '-r', resticRepositoryString(repo.provider, repo.location), '--json'];
}

/** What a failed restic command means, from its output. */
function failure(subcommand: string, output: string): ResticError {
  const text = output.trim();
  if (/wrong password or no key found/i.test(text)) {
    return new ResticError('WRONG_PASSWORD', 'The backup repository did not accept the key: wrong password or no key found');
  }
  if (/unable to create lock/i.test(text)) return new ResticError('LOCKED', `restic ${subcommand} failed: the repository is locked`);
  if (/Is there a repository at the following location\?|repository does not exist|config file.*does not exist/i.test(text)) {
    return new ResticError('NO_REPOSITORY', 'There is no restic repository at this location');
  }
  return new ResticError('FAILED', `restic ${subcommand} failed: ${lastLines(text)}`);
}

// rclone's notices come first on stderr: restic's own reason is at the end.
function lastLines(text: string): string {
  return text.split('\n').filter((line) => line.trim() !== '' && !/^rclone: .* NOTICE: /.test(line)).slice(-5).join('\n').slice(0, 1000);
}
