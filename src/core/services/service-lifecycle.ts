import { CoreError } from '../errors.js';
import type { UnitVerb } from '../host/host-types.js';
import type { Deps } from '../ports.js';
import { rootVolume } from '../storage/volumes.js';
import { isServiceInstalled, moduleSettingsDraft } from './service-fields.js';
import { SERVICE_MESSAGES } from './service-messages.js';
import { requireService } from './service-registry.js';
import type { ServiceDefinition } from './service-types.js';

type LifecycleDeps = Pick<Deps, 'userData' | 'host' | 'serviceDefinitions' | 'serviceMonitor' | 'logger'>;

const findOrFail = (deps: LifecycleDeps, id: string) => requireService(deps, id, SERVICE_MESSAGES.notFound);

/**
 * Writes `modules.<id>.enable` (creating the object, keeping its other keys). Enabling a service with
 * a `location` option and none stored also stores the system disk (§9.6 step 2).
 */
export async function writeServiceEnabled(deps: LifecycleDeps, id: string, enable: boolean, service?: ServiceDefinition): Promise<void> {
  const root = enable && service?.hasLocationOption ? (await rootVolume(deps))?.name : undefined;
  await deps.userData.update((draft) => {
    const settings = moduleSettingsDraft(draft, id);
    if (root !== undefined && (typeof settings.location !== 'string' || settings.location === '')) settings.location = root;
    settings.enable = enable;
  });
}

/**
 * Turns a service on in the configuration (takes effect at the next rebuild). The mail server cannot
 * be toggled; a templated service must be installed (its module in the system flake).
 */
export async function enableService(deps: LifecycleDeps, id: string): Promise<ServiceDefinition> {
  const service = await findOrFail(deps, id);
  if (service.kind === 'mail') throw new CoreError('SERVICE_ACTION_UNSUPPORTED', SERVICE_MESSAGES.mailCannotToggle('enabled'));
  if (service.kind === 'templated') {
    const [userData, installed] = await Promise.all([deps.userData.read(), deps.serviceDefinitions.installedIds()]);
    if (!isServiceInstalled(service, userData, installed)) throw new CoreError('SERVICE_ACTION_UNSUPPORTED', SERVICE_MESSAGES.notInstalled(id));
  }
  await writeServiceEnabled(deps, id, true, service);
  return service;
}

/** Turns a service off in the configuration (its data stays; takes effect at the next rebuild). */
export async function disableService(deps: LifecycleDeps, id: string): Promise<ServiceDefinition> {
  const service = await findOrFail(deps, id);
  if (service.kind === 'mail') throw new CoreError('SERVICE_ACTION_UNSUPPORTED', SERVICE_MESSAGES.mailCannotToggle('disabled'));
  await writeServiceEnabled(deps, id, false, service);
  return service;
}

const KEPT_REASON = 500;

/** What systemctl said, without the `Failed to <verb> <unit>: ` it starts with (the message says that already). */
function systemctlReason(verb: UnitVerb, unit: string, output: string): string {
  const text = output.trim().replace(`Failed to ${verb} ${unit}: `, '');
  return text.length > KEPT_REASON ? `${text.slice(0, KEPT_REASON)}...` : text;
}

async function commandUnits(deps: LifecycleDeps, id: string, verb: UnitVerb): Promise<ServiceDefinition> {
  const service = await findOrFail(deps, id);
  if (service.kind === 'api') {
    // The API cannot stop itself and still answer; starting or restarting it is a no-op (spec recommendation).
    if (verb === 'stop') throw new CoreError('SERVICE_ACTION_UNSUPPORTED', SERVICE_MESSAGES.stopAlwaysActive);
    return service;
  }
  try {
    for (const unit of service.units) {
      const { exitCode, output } = await deps.host.commandUnit(verb, unit);
      if (exitCode !== 0) {
        throw new CoreError('HOST_COMMAND_FAILED', SERVICE_MESSAGES.unitCommandFailed(verb, unit, exitCode, systemctlReason(verb, unit, output)));
      }
    }
  } finally {
    deps.serviceMonitor.forgetUnitStates();
  }
  return service;
}

/** Asks systemd to start each unit of the service, in order, without waiting for them. */
export function startService(deps: LifecycleDeps, id: string): Promise<ServiceDefinition> {
  return commandUnits(deps, id, 'start');
}

/** Asks systemd to stop each unit of the service, in order, without waiting. */
export function stopService(deps: LifecycleDeps, id: string): Promise<ServiceDefinition> {
  return commandUnits(deps, id, 'stop');
}

/** Asks systemd to restart each unit of the service, in order, without waiting. */
export function restartService(deps: LifecycleDeps, id: string): Promise<ServiceDefinition> {
  return commandUnits(deps, id, 'restart');
}
