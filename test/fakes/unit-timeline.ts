import type { FakeHost } from './fake-host.js';
import type { FixedClock } from './fake-deps.js';

/**
 * Scripts a unit's ActiveState over (fake) time: from `steps[i][0]` ms after this call the unit reports
 * `steps[i][1]`. Core code polls through the clock, so the states unfold as it waits.
 */
export function scriptUnitStates(host: FakeHost, clock: FixedClock, unit: string, steps: [afterMs: number, state: string][]): void {
  const start = clock.now().getTime();
  host.units[unit] ??= 'inactive';
  const original = host.unitStates.bind(host);
  host.unitStates = async (units) => {
    const elapsed = clock.now().getTime() - start;
    const reached = steps.filter(([at]) => at <= elapsed).at(-1);
    if (reached) host.units[unit] = reached[1];
    return original(units);
  };
}
