import type { Deps } from '../ports.js';

const POLL_MS = 1000;

/**
 * Polls systemd (one query per round, through the clock so tests can run fast) until every unit's
 * ActiveState is one of `states`; the states reached, or undefined when `timeoutMs` passes first.
 */
export async function waitForUnitStates(
  deps: Pick<Deps, 'host' | 'clock'>,
  units: readonly string[],
  states: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string> | undefined> {
  const deadline = deps.clock.now().getTime() + timeoutMs;
  for (;;) {
    const current = await deps.host.unitStates(units);
    const reached = new Map(units.map((unit) => [unit, current.get(unit)?.activeState ?? 'inactive']));
    if ([...reached.values()].every((state) => states.includes(state))) return reached;
    if (deps.clock.now().getTime() >= deadline) return undefined;
    await deps.clock.sleep(POLL_MS);
  }
}
