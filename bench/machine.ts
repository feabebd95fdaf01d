import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
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
    /** What else kept the machine busy: the 1-minute load average when the run began (the run adds its end's). */
    load_average_at_start: Math.round(loadavg()[0]! * 10) / 10,
  };
}

/** The 1-minute load average now, to one decimal. */
export function loadAverage(): number {
  return Math.round(loadavg()[0]! * 10) / 10;
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
