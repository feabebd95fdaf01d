import { CoreError } from '../errors.js';
import { waitForUnitStates } from '../host/unit-waits.js';
import { JobFailure, type JobOutcome, type ReportProgress, startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import type { Deps } from '../ports.js';
import { MIGRATION_JOB, MIGRATION_MESSAGES, STORAGE_MESSAGES } from './storage-messages.js';
import { type Volume, volumesOf } from './volumes.js';

/** Which volume (canonical or kernel name) each legacy service's data should live on. */
export interface BindMigrationInput {
  emailBlockDevice: string;
  bitwardenBlockDevice: string;
  giteaBlockDevice: string;
  nextcloudBlockDevice: string;
  pleromaBlockDevice: string;
}

interface MigrationStep {
  progress: number;
  service: string;
  device: keyof BindMigrationInput;
  units: string[];
  /** Data folder, its folder name on the volume, and its owner (user = group). */
  folders: [path: string, dir: string, owner: string][];
}

// The reference's order, progress values and folders. Units that do not exist are skipped: Gitea runs as
// forgejo.service on current systems, and dovecot2.service became dovecot.service.
const STEPS: MigrationStep[] = [
  { progress: 10, service: 'Nextcloud', device: 'nextcloudBlockDevice', units: ['phpfpm-nextcloud.service'],
    folders: [['/var/lib/nextcloud', 'nextcloud', 'nextcloud']] },
  { progress: 28, service: 'Bitwarden', device: 'bitwardenBlockDevice', units: ['vaultwarden.service'],
    folders: [['/var/lib/bitwarden', 'bitwarden', 'vaultwarden'], ['/var/lib/bitwarden_rs', 'bitwarden_rs', 'vaultwarden']] },
  { progress: 46, service: 'Gitea', device: 'giteaBlockDevice', units: ['forgejo.service', 'gitea.service'],
    folders: [['/var/lib/gitea', 'gitea', 'gitea']] },
  { progress: 64, service: 'Mail server', device: 'emailBlockDevice', units: ['dovecot.service', 'dovecot2.service', 'postfix.service'],
    folders: [['/var/vmail', 'vmail', 'virtualMail'], ['/var/sieve', 'sieve', 'virtualMail']] },
  { progress: 82, service: 'Pleroma', device: 'pleromaBlockDevice', units: ['pleroma.service'],
    folders: [['/var/lib/pleroma', 'pleroma', 'pleroma'], ['/var/lib/postgresql', 'postgresql', 'postgres']] },
];

const STOP_TIMEOUT_MS = 5 * 60 * 1000;
const RUNNING = ['active', 'activating', 'reloading'];

type MigrationDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'background' | 'logger' | 'host' | 'userData'> & Partial<Pick<Deps, 'serviceMonitor'>>;

/** Starts the `migrations.migrate_to_binds` job; ALREADY_MIGRATED when userdata already uses binds. */
export async function startMigrationToBinds(deps: MigrationDeps, input: BindMigrationInput): Promise<Job> {
  if ((await deps.userData.read()).useBinds) throw new CoreError('ALREADY_MIGRATED', STORAGE_MESSAGES.alreadyMigrated);
  return startJob(deps, MIGRATION_JOB, (report, job) => migrateToBinds(deps, input, report, job.signal));
}

/**
 * Moves each legacy service's data to its volume and bind-mounts it back where the service expects it.
 * `signal` stops it between folders and kills the host commands running.
 */
export async function migrateToBinds(
  deps: Omit<MigrationDeps, 'jobs' | 'pubsub' | 'instanceId' | 'background'>,
  input: BindMigrationInput,
  report: ReportProgress,
  signal?: AbortSignal,
): Promise<JobOutcome> {
  const userData = await deps.userData.read();
  if (userData.useBinds) throw new JobFailure(MIGRATION_MESSAGES.alreadyDone);
  await report({ progress: 0, statusText: MIGRATION_MESSAGES.checking });
  const volumes = volumesOf(await deps.host.blockDevices(), userData);
  for (const name of new Set(Object.values(input))) checkVolume(volumes, name);

  await report({ progress: 5, statusText: MIGRATION_MESSAGES.activating });
  await deps.userData.update((data) => {
    const legacy: Record<string, keyof BindMigrationInput> = {
      email: 'emailBlockDevice', bitwarden: 'bitwardenBlockDevice', gitea: 'giteaBlockDevice',
      nextcloud: 'nextcloudBlockDevice', pleroma: 'pleromaBlockDevice',
    };
    for (const [key, field] of Object.entries(legacy)) {
      const section = (data[key] ?? {}) as Record<string, unknown>;
      data[key] = { ...section, location: input[field] };
    }
    data.useBinds = true;
  });

  const volumeNames = [...new Set(volumes.flatMap((v) => [v.name, v.kernelName]))];
  for (const step of STEPS) {
    signal?.throwIfAborted();
    await report({ progress: step.progress, statusText: MIGRATION_MESSAGES.migrating(step.service) });
    const running = await stopUnits(deps, step, signal);
    for (const [path, dir, owner] of step.folders) {
      signal?.throwIfAborted();
      await moveToVolume(deps, volumeNames, path, `/volumes/${input[step.device]}/${dir}`, dir, owner, signal);
    }
    for (const unit of running) await deps.host.startUnit(unit);
  }
  return { statusText: MIGRATION_MESSAGES.finished, result: MIGRATION_MESSAGES.finished };
}

function checkVolume(volumes: Volume[], name: string): void {
  const volume = volumes.find((v) => v.name === name || v.kernelName === name);
  if (!volume) throw new JobFailure(MIGRATION_MESSAGES.deviceNotFound(name));
  // the system disk is always mounted; other volumes must be at /volumes/<name>
  if (!volume.root && !volume.mountpoints.includes(`/volumes/${name}`)) {
    throw new JobFailure(MIGRATION_MESSAGES.deviceNotMounted(name));
  }
}

/** Stops the step's running units and waits until they are down; returns them to start again afterwards. */
async function stopUnits(deps: Pick<Deps, 'host' | 'clock'>, step: MigrationStep, signal?: AbortSignal): Promise<string[]> {
  const states = await deps.host.unitStates(step.units);
  const running = step.units.filter((unit) => states.get(unit)?.loaded && RUNNING.includes(states.get(unit)!.activeState));
  for (const unit of running) await deps.host.stopUnit(unit);
  if (running.length > 0 && !(await waitForUnitStates(deps, running, ['inactive', 'failed'], STOP_TIMEOUT_MS, signal))) {
    throw new JobFailure(MIGRATION_MESSAGES.stopTimeout(step.service));
  }
  return running;
}

/** One folder: skipped when some volume already holds it or there is nothing to move. */
async function moveToVolume(
  deps: Pick<Deps, 'host' | 'logger'> & Partial<Pick<Deps, 'serviceMonitor'>>,
  volumeNames: string[],
  dataPath: string,
  bindPath: string,
  dir: string,
  owner: string,
  signal?: AbortSignal,
): Promise<void> {
  for (const name of volumeNames) if ((await deps.host.pathInfo(`/volumes/${name}/${dir}`)).exists) return;
  if (!(await deps.host.pathInfo(dataPath)).exists) return;
  await deps.host.moveFolder(dataPath, bindPath, signal);
  deps.serviceMonitor?.forgetBlockDevices(); // data moved between volumes
  // like the reference, a failed mount or chown is logged and the migration goes on
  await deps.host.bindMount(bindPath, dataPath, signal).catch((err: unknown) => {
    deps.logger.error('bind migration: bind mount failed', { dataPath, error: String(err) });
  });
  await deps.host.chownRecursive(dataPath, owner, owner, signal).catch((err: unknown) => {
    deps.logger.error('bind migration: chown failed', { dataPath, error: String(err) });
  });
}
