import type { UnitState } from '../host/host-types.js';
import type { ServiceDefinition, ServiceStatus } from './service-types.js';

const BY_ACTIVE_STATE: Record<string, ServiceStatus> = {
  active: 'ACTIVE',
  reloading: 'RELOADING',
  inactive: 'INACTIVE',
  failed: 'FAILED',
  activating: 'ACTIVATING',
  deactivating: 'DEACTIVATING',
};

// Worst first: a multi-unit service reports its worst unit (§9.2).
const SEVERITY: readonly ServiceStatus[] = ['OFF', 'FAILED', 'RELOADING', 'ACTIVATING', 'DEACTIVATING', 'INACTIVE', 'ACTIVE'];

/** One unit's systemd ActiveState as a ServiceStatus; unknown states and units missing from the answer read OFF. */
export function unitStatus(state: UnitState | undefined): ServiceStatus {
  return (state && BY_ACTIVE_STATE[state.activeState]) || 'OFF';
}

/** The worst of several statuses (OFF > FAILED > RELOADING > ACTIVATING > DEACTIVATING > INACTIVE > ACTIVE). */
export function worstStatus(statuses: readonly ServiceStatus[]): ServiceStatus {
  return statuses.reduce<ServiceStatus>((worst, s) => (SEVERITY.indexOf(s) < SEVERITY.indexOf(worst) ? s : worst), 'ACTIVE');
}

/** A service's status from the batched unit states: the API is always ACTIVE, a service without units INACTIVE. */
export function serviceStatus(service: ServiceDefinition, states: ReadonlyMap<string, UnitState>): ServiceStatus {
  if (service.kind === 'api') return 'ACTIVE';
  if (service.units.length === 0) return 'INACTIVE';
  return worstStatus(service.units.map((unit) => unitStatus(states.get(unit))));
}

/**
 * The legacy REST number for a set of units, as `systemctl status` exit codes: 0 running, 3 not
 * running (stopped, failed or still starting), 4 no such unit. Several units: the worst.
 */
export function legacyStatusCode(units: readonly string[], states: ReadonlyMap<string, UnitState>): number {
  const codes = units.map((unit) => {
    const state = states.get(unit);
    if (!state?.loaded) return 4;
    return state.activeState === 'active' || state.activeState === 'reloading' ? 0 : 3;
  });
  return codes.length === 0 ? 4 : Math.max(...codes);
}
