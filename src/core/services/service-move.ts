import { CoreError } from '../errors.js';
import { waitForUnitStates } from '../host/unit-waits.js';
import { JobFailure, type ReportProgress, startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import { getJob, updateJob } from '../jobs/jobs.js';
import type { Deps } from '../ports.js';
import { type Volume, volumesOf } from '../storage/volumes.js';
import type { UserData } from '../userdata/userdata-types.js';
import { followSystemRebuild } from '../system/rebuild.js';
import { MOVE_MESSAGES as M, SERVICE_MESSAGES } from './service-messages.js';
import { MoveError, type MovePlan, checkMove, folderOnVolume } from './service-move-checks.js';
import { moduleSettingsDraft } from './service-fields.js';
import { requireService } from './service-registry.js';
import { serviceStatus } from './service-status.js';
import type { ServiceDefinition } from './service-types.js';

type MoveDeps = Pick<
  Deps,
  'userData' | 'host' | 'serviceDefinitions' | 'serviceMonitor' | 'logger' | 'clock' | 'jobs' | 'pubsub' | 'instanceId' | 'background'
>;

const UNIT_WAIT_MS = 5 * 60 * 1000;

export interface MoveStarted {
  service: ServiceDefinition;
  job: Job;
  /** 200 `Started moving the service.` / `Service moved.`, or 400 when the job already failed. */
  code: number;
  message: string;
}

/** Validates a move of the service's data to the volume named `location` and starts the move job (§9.8). */
export async function moveService(deps: MoveDeps, serviceId: string, location: string): Promise<MoveStarted> {
  const service = await requireService(deps, serviceId, SERVICE_MESSAGES.doesNotExist(serviceId));
  const plan = await planMove(deps, service, location);
  // The job body learns its own uid once the job exists (to put an error on it while it keeps running).
  let setUid!: (uid: string) => void;
  const uid = new Promise<string>((resolve) => (setUid = resolve));
  const job = await startJob(
    deps,
    {
      typeId: `services.${service.id}.move`,
      name: M.jobName(service.displayName),
      description: M.jobDescription(service.displayName, plan.to.displayName.toLowerCase()),
    },
    (report) => runMove(deps, plan, report, async (error) => updateJob(deps, await uid, { status: 'RUNNING', error })),
  );
  setUid(job.uid);
  const now = (await getJob(deps, job.uid)) ?? job;
  if (now.status === 'ERROR') return { service, job: now, code: 400, message: M.failed(now.statusText ?? '', now.error ?? '') };
  return { service, job: now, code: 200, message: now.status === 'FINISHED' ? M.moved : M.started };
}

// One read of the userdata and one block-device listing for a round of pre-checks.
async function currentVolumes(deps: MoveDeps): Promise<{ userData: UserData; volumes: Volume[] }> {
  const [devices, userData] = await Promise.all([deps.host.blockDevices(), deps.userData.read()]);
  return { userData, volumes: volumesOf(devices, userData) };
}

async function planMove(deps: MoveDeps, service: ServiceDefinition, location: string): Promise<MovePlan> {
  const { userData, volumes } = await currentVolumes(deps);
  const to = volumes.find((v) => v.name === location);
  if (!to) throw new CoreError('VOLUME_NOT_FOUND', M.noSuchVolume(location));
  try {
    return await checkMove(deps, service, to, userData, volumes);
  } catch (err) {
    if (err instanceof MoveError) throw new CoreError('MOVE_NOT_POSSIBLE', `${err.name}: ${err.message}`);
    throw err;
  }
}

/** The move job: stop, unmount, move, chown, bind-mount, record the location, rebuild, start. Undone on failure. */
async function runMove(
  deps: MoveDeps,
  initial: MovePlan,
  report: ReportProgress,
  reportError: (error: string) => Promise<unknown>,
): Promise<{ result: string; statusText: string }> {
  const { service } = initial;
  const display = service.displayName;
  await report({ progress: 0, statusText: M.checking });
  const plan = await rethrowForJob(async () => {
    const { userData, volumes } = await currentVolumes(deps);
    const to = volumes.find((v) => v.name === initial.to.name);
    if (!to) throw new MoveError(M.noSuchVolume(initial.to.name));
    return checkMove(deps, service, to, userData, volumes);
  });
  if (!plan.hasData) {
    await writeLocation(deps, service, plan.to.kernelName);
    return { result: M.movedNoFolders(display), statusText: M.notStarting(display) };
  }
  const before = serviceStatus(service, await deps.host.unitStates(service.units));
  const wasRunning = before === 'ACTIVE' || before === 'ACTIVATING';
  const undo: (() => Promise<unknown>)[] = [];
  try {
    await report({ progress: 5, statusText: M.stopping(display) });
    if (before !== 'INACTIVE' && before !== 'FAILED') {
      for (const unit of service.units) await deps.host.stopUnit(unit);
      deps.serviceMonitor.forgetUnitStates();
      if (!(await waitForUnitStates(deps, service.units, ['inactive', 'failed'], UNIT_WAIT_MS))) throw new MoveError(M.stopTimeout(display));
    }
    await report({ progress: 9, statusText: M.stoppedStartingMove });
    await report({ progress: 10, statusText: M.unmounting });
    for (const folder of service.folders) {
      await deps.host.unmount(folder.path);
      undo.push(() => deps.host.bindMount(folderOnVolume(folder, plan.from), folder.path));
    }
    let progress = 20;
    await report({ progress, statusText: M.movingData });
    for (const folder of service.folders) {
      const [from, to] = [folderOnVolume(folder, plan.from), folderOnVolume(folder, plan.to)];
      await deps.host.moveFolder(from, to).catch((err: unknown) => {
        throw new MoveError(`could not move ${from} to ${to} : ${err instanceof Error ? err.message : String(err)}`);
      });
      undo.push(() => deps.host.moveFolder(to, from));
      progress += Math.floor(50 / service.folders.length);
      await report({ progress, statusText: M.movingData });
    }
    await report({ progress: 70, statusText: M.chowning(display) });
    for (const folder of service.folders) {
      await deps.host.chownRecursive(folderOnVolume(folder, plan.to), folder.owner, folder.group).catch(async (err: unknown) => {
        // The data is in place; wrong ownership is reported and the move goes on (as the reference does).
        await reportError(M.cannotWrite(display, err instanceof Error ? err.message : String(err)));
      });
    }
    await report({ progress: 90, statusText: M.mounting(display) });
    for (const folder of service.folders) {
      await deps.host.bindMount(folderOnVolume(folder, plan.to), folder.path);
      undo.push(() => deps.host.unmount(folder.path));
    }
    await report({ progress: 95, statusText: M.finishing(display) });
    await writeLocation(deps, service, plan.to.kernelName);
  } catch (err) {
    await putBack(deps, service, undo, wasRunning);
    throw jobFailure(err);
  }
  await report({ progress: 98, statusText: M.rebuilding });
  await followSystemRebuild(deps, report).catch((err: unknown) => {
    // Faithful quirk: a failed rebuild does not fail the move; the job still finishes below.
    deps.logger.warn('rebuild after moving a service failed', { service: service.id, error: String(err) });
  });
  if (wasRunning) await startUnits(deps, service, true);
  return { result: M.movedSuccessfully(display), statusText: M.starting(display) };
}

async function writeLocation(deps: MoveDeps, service: ServiceDefinition, kernelName: string): Promise<void> {
  // The reference stores the kernel device name here, not the canonical volume name.
  await deps.userData.update((draft) => {
    moduleSettingsDraft(draft, service.id).location = kernelName;
  });
}

// Leaves the service as it was: folders back on the old volume, mounted where the service expects them, running.
async function putBack(deps: MoveDeps, service: ServiceDefinition, undo: (() => Promise<unknown>)[], wasRunning: boolean) {
  for (const step of undo.reverse()) {
    await step().catch((err: unknown) => deps.logger.error('undoing a service move step failed', { service: service.id, error: String(err) }));
  }
  if (wasRunning) await startUnits(deps, service, false);
}

async function startUnits(deps: MoveDeps, service: ServiceDefinition, wait: boolean): Promise<void> {
  for (const unit of service.units) await deps.host.startUnit(unit);
  deps.serviceMonitor.forgetUnitStates();
  if (wait && !(await waitForUnitStates(deps, service.units, ['active'], UNIT_WAIT_MS))) {
    deps.logger.warn('service did not become active after the move', { service: service.id });
  }
}

function jobFailure(err: unknown): JobFailure {
  if (err instanceof JobFailure) return err;
  // The reference's job error: `<ExceptionName> <message>`.
  return err instanceof Error ? new JobFailure(`${err.name} ${err.message}`) : new JobFailure(String(err));
}

async function rethrowForJob<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw jobFailure(err);
  }
}
