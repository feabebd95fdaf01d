import type { Deps } from '../ports.js';
import { LEGACY_TOGGLE_NAMES } from './service-messages.js';
import { ServicesSnapshot } from './service-snapshot.js';
import { legacyStatusUnits } from './legacy-status-units.js';
import { legacyStatusCode } from './service-status.js';
import { writeServiceEnabled } from './service-lifecycle.js';

// The 1.2.x REST view of services: a fixed set of keys and their systemd units.

type StatusDeps = Pick<Deps, 'userData' | 'host' | 'serviceDefinitions' | 'serviceMonitor' | 'logger'>;

/**
 * `GET /services/status`: per key the `systemctl status` exit code of its units (0 running, 3 not
 * running, 4 no such unit, 1 when systemd could not be asked), from one batched unit query.
 */
export async function legacyServiceStatus(deps: StatusDeps): Promise<Record<string, number>> {
  const snapshot = new ServicesSnapshot(deps);
  const unitsOf = legacyStatusUnits(await snapshot.services());
  // the same batch as the services screen asks for, so either answers from the other's query
  const states = await snapshot.unitStates();
  return Object.fromEntries(unitsOf.map(({ key, units }) => [key, legacyStatusCode(units, states)]));
}

/** Service ids the legacy enable/disable paths exist for. */
export const LEGACY_TOGGLE_IDS = Object.keys(LEGACY_TOGGLE_NAMES);

/** `POST /services/<id>/enable|disable`: writes `modules.<id>.enable` (always succeeds); returns the legacy text. */
export async function legacyToggleService(deps: StatusDeps, id: string, enable: boolean): Promise<string> {
  const service = await new ServicesSnapshot(deps).find(id);
  await writeServiceEnabled(deps, id, enable, service);
  return `${LEGACY_TOGGLE_NAMES[id]} ${enable ? 'enabled' : 'disabled'}`;
}

/** `GET /services/mailserver/dkim`: the DKIM record file of the domain, base64 (standard, padded); undefined without one. */
export async function legacyDkimRecord(deps: Pick<Deps, 'userData' | 'host'>): Promise<string | undefined> {
  const domain = (await deps.userData.read()).domain;
  if (!domain) return undefined;
  const record = await deps.host.readDkimRecord(domain);
  return record === undefined ? undefined : Buffer.from(record, 'utf8').toString('base64');
}
