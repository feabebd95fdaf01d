import { CoreError } from '../errors.js';
import { waitForUnitStates } from '../host/unit-waits.js';
import { stoppingForShutdown } from '../jobs/job-cancellation.js';
import { JobFailure, type JobOutcome, type ReportProgress, type RunningJob, startJob } from '../jobs/job-runner.js';
import type { Job } from '../jobs/job-types.js';
import { getJob } from '../jobs/jobs.js';
import type { Deps } from '../ports.js';
import { type Volume, volumesOf } from '../storage/volumes.js';
import type { UserData } from '../userdata/userdata-types.js';
import { REBUILD_UNIT, followSystemRebuild } from '../system/rebuild.js';
import { MOVE_MESSAGES as M, SERVICE_MESSAGES } from './service-messages.js';
import { MoveError, type MovePlan, checkMove, folderOnVolume } from './service-move-checks.js';
import { type MoveState, type MoveStep, moveCheckpoint } from './service-move-state.js';
import { moduleSettingsDraft } from './service-fields.js';
import { requireService } from './service-registry.js';
import type { ServiceDefinition } from './service-types.js';

type MoveDeps = Pick<
  Deps,
  'userData' | 'host' | 'serviceDefinitions' | 'serviceMonitor' | 'logger' | 'clock' | 'jobs' | 'pubsub' | 'instanceId' | 'background'
>;

const UNIT_WAIT_MS = 5 * 60 * 1000;
const RUNNING = ['active', 'activating', 'reloading'];

export interface MoveStarted {
  service: ServiceDefinition;
  job: Job;
  /** 200 `Started moving the service.` / `Service moved.`, or 400 when the job already failed. */
  code: number;
  message: string;
}

/**
 * Validates a move of the service's data to the volume named `location` and starts the move job (§9.8);
 * RESOURCE_BUSY while another job works on the service.
 */
export async function moveService(deps: MoveDeps, serviceId: string, location: string): Promise<MoveStarted> {
  const service = await requireService(deps, serviceId, SERVICE_MESSAGES.doesNotExist(serviceId));
  const plan = await planMove(deps, service, location);
  const job = await startJob(
    deps,
    {
      typeId: `services.${service.id}.move`,
      name: M.jobName(service.displayName),
      description: M.jobDescription(service.displayName, plan.to.displayName.toLowerCase()),
      resource: `service:${service.id}`,
    },
    (report, running) => runMove(deps, plan, report, running),
  );
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

/**
 * The move job: stop, unmount, move, chown, bind-mount, record the location, rebuild, start. A failure or
 * a cancel before the data is in place undoes it; a shutdown leaves it as its checkpoint says, for the
 * next start to report.
 */
async function runMove(deps: MoveDeps, initial: MovePlan, report: ReportProgress, job: RunningJob): Promise<JobOutcome> {
  const { service } = initial;
  const { signal } = job;
  const display = service.displayName;
  await report({ progress: 0, statusText: M.checking });
  const plan = await rethrowForJob(async () => {
    const { userData, volumes } = await currentVolumes(deps);
    const to = volumes.find((v) => v.name === initial.to.name);
    if (!to) throw new MoveError(M.noSuchVolume(initial.to.name));
    return checkMove(deps, service, to, userData, volumes);
  });
  signal.throwIfAborted();
  if (!plan.hasData) {
    await writeLocation(deps, service, plan.to.kernelName);
    return { result: M.movedNoFolders(display), statusText: M.notStarting(display) };
  }
  const state: MoveState = {
    step: 'checking', service: display, from: plan.from.name, to: plan.to.name, stopped: [], locationRecorded: false,
    folders: service.folders.map((folder) => ({ path: folder.path, on: 'from', mounted: true })),
  };
  // Each step starts only if the job is still wanted, and is recorded before it touches anything.
  const save = () => job.checkpoint(moveCheckpoint(state));
  const at = (step: MoveStep) => {
    signal.throwIfAborted();
    state.step = step;
    return save();
  };
  const undo: (() => Promise<unknown>)[] = [];
  try {
    await at('stopping');
    await report({ progress: 5, statusText: M.stopping(display) });
    await stopRunningUnits(deps, service, state, save, signal);
    await report({ progress: 9, statusText: M.stoppedStartingMove });
    await at('unmounting');
    await report({ progress: 10, statusText: M.unmounting });
    for (const [i, folder] of service.folders.entries()) {
      signal.throwIfAborted();
      // recorded before it happens: an interruption now may have left it either way
      state.folders[i]!.mounted = false;
      await save();
      job.log(`Unmounting ${folder.path}`);
      await deps.host.unmount(folder.path);
      undo.push(() => deps.host.bindMount(folderOnVolume(folder, plan.from), folder.path));
    }
    let progress = 20;
    await report({ progress, statusText: M.movingData });
    for (const [i, folder] of service.folders.entries()) {
      signal.throwIfAborted();
      const [from, to] = [folderOnVolume(folder, plan.from), folderOnVolume(folder, plan.to)];
      state.folders[i]!.on = 'moving';
      await at('moving');
      job.log(`Moving ${from} to ${to}`);
      await deps.host.moveFolder(from, to, signal).catch((err: unknown) => {
        throw new MoveError(`could not move ${from} to ${to} : ${err instanceof Error ? err.message : String(err)}`);
      });
      state.folders[i]!.on = 'to';
      deps.serviceMonitor.forgetBlockDevices(); // the volumes' free space changed
      undo.push(() => deps.host.moveFolder(to, from));
      progress += Math.floor(50 / service.folders.length);
      await report({ progress, statusText: M.movingData });
    }
    await at('chowning');
    await report({ progress: 70, statusText: M.chowning(display) });
    for (const folder of service.folders) {
      signal.throwIfAborted();
      job.log(`Giving ${folderOnVolume(folder, plan.to)} to ${folder.owner}:${folder.group}`);
      await deps.host.chownRecursive(folderOnVolume(folder, plan.to), folder.owner, folder.group, signal).catch(async (err: unknown) => {
        // The data is in place; wrong ownership is reported and the move goes on (as the reference does).
        if (!signal.aborted) await report({ error: M.cannotWrite(display, err instanceof Error ? err.message : String(err)) });
      });
    }
    await at('mounting');
    await report({ progress: 90, statusText: M.mounting(display) });
    for (const [i, folder] of service.folders.entries()) {
      signal.throwIfAborted();
      job.log(`Mounting ${folderOnVolume(folder, plan.to)} on ${folder.path}`);
      await deps.host.bindMount(folderOnVolume(folder, plan.to), folder.path, signal);
      state.folders[i]!.mounted = true;
      undo.push(() => deps.host.unmount(folder.path));
    }
    await at('recording');
    await report({ progress: 95, statusText: M.finishing(display) });
    await writeLocation(deps, service, plan.to.kernelName);
    state.locationRecorded = true;
  } catch (err) {
    // At shutdown nothing is undone (moving data back could take hours): the checkpoint tells where it stands.
    if (!stoppingForShutdown(signal)) {
      job.log('Putting back what was changed');
      await putBack(deps, service, undo, state);
    }
    throw jobFailure(err);
  }
  try {
    await at('rebuilding');
    await report({ progress: 98, statusText: M.rebuilding });
    await followSystemRebuild(deps, report, REBUILD_UNIT, signal).catch((err: unknown) => {
      if (signal.aborted) throw err;
      // Faithful quirk: a failed rebuild does not fail the move; the job still finishes below.
      deps.logger.warn('rebuild after moving a service failed', { service: service.id, error: String(err) });
    });
    await at('starting');
  } catch (err) {
    // Cancelled with the data in place: nothing to undo, but the service must run again.
    if (!stoppingForShutdown(signal)) await startUnits(deps, service, state.stopped, false);
    throw err;
  }
  await startUnits(deps, service, state.stopped, true);
  return { result: M.movedSuccessfully(display), statusText: M.starting(display) };
}

// Stops the units that run (only those are started again later) and waits until every unit is down.
// The units to stop are recorded (`save`) before the first is stopped, so an interruption names them.
async function stopRunningUnits(
  deps: MoveDeps,
  service: ServiceDefinition,
  state: MoveState,
  save: () => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  const states = await deps.host.unitStates(service.units, signal);
  const running = service.units.filter((unit) => RUNNING.includes(states.get(unit)?.activeState ?? ''));
  const settling = service.units.some((unit) => states.get(unit)?.activeState === 'deactivating');
  state.stopped.push(...running);
  if (running.length > 0) await save();
  for (const unit of running) await deps.host.stopUnit(unit);
  if (running.length === 0 && !settling) return;
  deps.serviceMonitor.forgetUnitStates();
  if (!(await waitForUnitStates(deps, service.units, ['inactive', 'failed'], UNIT_WAIT_MS, signal))) {
    throw new MoveError(M.stopTimeout(service.displayName));
  }
}

async function writeLocation(deps: MoveDeps, service: ServiceDefinition, kernelName: string): Promise<void> {
  // The reference stores the kernel device name here, not the canonical volume name.
  await deps.userData.update((draft) => {
    moduleSettingsDraft(draft, service.id).location = kernelName;
  });
}

// Leaves the service as it was: folders back on the old volume, mounted where the service expects them,
// and running again only the units this move stopped.
async function putBack(deps: MoveDeps, service: ServiceDefinition, undo: (() => Promise<unknown>)[], state: MoveState) {
  for (const step of undo.reverse()) {
    await step().catch((err: unknown) => deps.logger.error('undoing a service move step failed', { service: service.id, error: String(err) }));
  }
  deps.serviceMonitor.forgetBlockDevices();
  await startUnits(deps, service, state.stopped, false);
}

async function startUnits(deps: MoveDeps, service: ServiceDefinition, units: readonly string[], wait: boolean): Promise<void> {
  if (units.length === 0) return;
  for (const unit of units) await deps.host.startUnit(unit);
  deps.serviceMonitor.forgetUnitStates();
  if (wait && !(await waitForUnitStates(deps, units, ['active'], UNIT_WAIT_MS))) {
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
