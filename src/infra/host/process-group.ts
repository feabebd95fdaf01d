import { type ChildProcess, spawn } from 'node:child_process';

/** Time a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

export interface GroupSpawnOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  stdin: 'pipe' | 'ignore';
}

/**
 * Spawns `command` as the leader of a new process group, so that everything it starts (a grandchild
 * put in the background, a pager, ...) can be killed with it.
 */
export function spawnInGroup(command: string, args: readonly string[], options: GroupSpawnOptions): ChildProcess {
  return spawn(command, args, { cwd: options.cwd, env: options.env, stdio: [options.stdin, 'pipe', 'pipe'], detached: true });
}

/** SIGTERM to the child's whole group, then SIGKILL to whatever is left of it after KILL_GRACE_MS. */
export function killGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!signalGroup(pid, 'SIGTERM')) return;
  setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS).unref();
}

/** Sends `signal` to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
