import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { ROOT } from './children.js';

/** What the figures were measured on, and which code. */
export function machineInfo() {
  const cpu = cpus();
  return {
    cpu_model: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memory_mb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    os: `${osType()} ${release()}`,
  };
}

export function commitInfo(): { head: string | null; dirty: boolean | null } {
  const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git(['rev-parse', 'HEAD']);
    // bench/results.json itself does not make the tree dirty
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).split('\n').some((l) => l.trim() !== '' && !l.endsWith('bench/results.json'));
    return { head, dirty };
  } catch {
    return { head: null, dirty: null };
  }
}
