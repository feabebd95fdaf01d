import { CoreError } from '../errors.js';
import type { CommandOutcome } from '../host/host-types.js';
import { startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { REBUILD_UNIT, UPGRADE_UNIT, followSystemRebuild } from './rebuild.js';
import { SYSTEM_JOBS, SYSTEM_MESSAGES } from './system-messages.js';

export const ROLLBACK_UNIT = 'sp-nixos-rollback.service';

type JobStartDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'background' | 'logger' | 'host'>;

/** Starts the `system.nixos.rebuild` job: `nixos-rebuild switch` through its systemd unit, followed to the end. */
export async function startSystemRebuild(deps: JobStartDeps): Promise<Job> {
  return startJob(deps, SYSTEM_JOBS.rebuild, (report, job) => followSystemRebuild(deps, report, REBUILD_UNIT, job.signal));
}

/** Starts the `system.nixos.upgrade` job: the upgrade unit updates the flake inputs, then rebuilds. */
export async function startSystemUpgrade(deps: JobStartDeps): Promise<Job> {
  return startJob(deps, SYSTEM_JOBS.upgrade, (report, job) => followSystemRebuild(deps, report, UPGRADE_UNIT, job.signal));
}

/** Starts one of the NixOS units without following it; systemctl's exit code (legacy REST answers with it). */
export async function startNixosUnit(deps: Pick<Deps, 'host'>, unit: 'rebuild' | 'rollback' | 'upgrade'): Promise<number> {
  const units = { rebuild: REBUILD_UNIT, rollback: ROLLBACK_UNIT, upgrade: UPGRADE_UNIT };
  return deps.host.startUnit(units[unit]);
}

/** Switches back to the previous NixOS generation (no job: the unit is started and left to run). */
export async function rollbackSystem(deps: Pick<Deps, 'host'>): Promise<void> {
  const exitCode = await startNixosUnit(deps, 'rollback');
  if (exitCode !== 0) {
    throw new CoreError('HOST_COMMAND_FAILED', `systemctl start ${ROLLBACK_UNIT} exited with code ${exitCode}`);
  }
}

/** Asks the machine to reboot and returns at once. */
export async function rebootSystem(deps: Pick<Deps, 'host'>): Promise<void> {
  await deps.host.reboot();
}

/** GraphQL `pullRepositoryChanges`: the configuration is a flake now, so there is never anything to pull. */
export async function pullRepositoryChanges(): Promise<never> {
  throw new CoreError('NO_REPOSITORY', SYSTEM_MESSAGES.noRepository);
}

/** Legacy REST: `git pull` in the NixOS configuration checkout; the outcome as git reported it. */
export async function pullConfiguration(deps: Pick<Deps, 'host'>): Promise<CommandOutcome> {
  return deps.host.pullConfiguration();
}
