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

/** The state of a unit systemd could not be asked about. */
export function unknownUnitState(unit: string): UnitState {
  return { unit, loaded: false, activeState: 'unknown', unknown: true };
}

/** One unit's systemd ActiveState as a ServiceStatus; a failed query, unknown states and units missing from the answer read OFF. */
export function unitStatus(state: UnitState | undefined): ServiceStatus {
  return (state && !state.unknown && BY_ACTIVE_STATE[state.activeState]) || 'OFF';
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

// `systemctl status` exits 1 (EXIT_FAILURE, LSB "dead and pid file exists", which it never means here) when it
// cannot connect to the bus: its LSB codes 3 and 4 are only given once systemd has answered.
const STATUS_QUERY_FAILED = 1;

/**
 * The legacy REST number for a set of units, as `systemctl status` exit codes: 0 running, 3 not
 * running (stopped, failed or still starting), 4 no such unit, 1 systemd could not be asked. Several units: the worst.
 */
export function legacyStatusCode(units: readonly string[], states: ReadonlyMap<string, UnitState>): number {
  if (units.some((unit) => states.get(unit)?.unknown)) return STATUS_QUERY_FAILED;
  const codes = units.map((unit) => {
    const state = states.get(unit);
    if (!state?.loaded) return 4;
    return state.activeState === 'active' || state.activeState === 'reloading' ? 0 : 3;
  });
  return codes.length === 0 ? 4 : Math.max(...codes);
}
