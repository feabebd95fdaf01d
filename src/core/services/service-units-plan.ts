import type { Deps } from '../ports.js';
import { isServiceEnabled } from './service-fields.js';
import { loadServiceDefinitions } from './service-registry.js';

/**
 * Which units the current configuration asks for: those of enabled services exist after a rebuild,
 * those of disabled services do not (what `nixos-rebuild switch` does with the service modules).
 */
export async function plannedServiceUnits(
  deps: Pick<Deps, 'userData' | 'serviceDefinitions' | 'serviceMonitor' | 'logger'>,
): Promise<{ present: string[]; absent: string[] }> {
  const [services, userData] = await Promise.all([loadServiceDefinitions(deps), deps.userData.read()]);
  const present = new Set(services.filter((s) => isServiceEnabled(s, userData)).flatMap((s) => s.units));
  const absent = new Set(services.flatMap((s) => s.units).filter((unit) => !present.has(unit)));
  // Units appear or vanish: states remembered from before the rebuild are wrong now.
  deps.serviceMonitor.forgetUnitStates();
  return { present: [...present], absent: [...absent] };
}
