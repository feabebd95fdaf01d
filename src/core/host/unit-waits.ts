import type { Deps } from '../ports.js';
import { abortable, settleWithin } from './abortable.js';

const POLL_MS = 1000;
const TIMED_OUT = Symbol('timed out');

/**
 * Polls systemd (one query per round, through the clock so tests can run fast) until every unit's
 * ActiveState is one of `states`; the states reached, or undefined when `timeoutMs` passes first, even
 * when a query hangs. Rejects with the signal's reason when `signal` aborts.
 */
export async function waitForUnitStates(
  deps: Pick<Deps, 'host' | 'clock'>,
  units: readonly string[],
  states: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Map<string, string> | undefined> {
  const deadline = deps.clock.now().getTime() + timeoutMs;
  const remaining = () => Math.max(0, deadline - deps.clock.now().getTime());
  for (;;) {
    signal?.throwIfAborted();
    // a query still running at the deadline is abandoned and its process killed
    const poll = new AbortController();
    const pollSignal = signal ? AbortSignal.any([signal, poll.signal]) : poll.signal;
    const current = await settleWithin(deps.host.unitStates(units, pollSignal), remaining(), TIMED_OUT, signal);
    if (current === TIMED_OUT) {
      poll.abort(new Error('the wait for systemd units reached its deadline'));
      return undefined;
    }
    const reached = new Map(units.map((unit) => [unit, current.get(unit)?.activeState ?? 'inactive']));
    if ([...reached.values()].every((state) => states.includes(state))) return reached;
    if (remaining() === 0) return undefined;
    await abortable(deps.clock.sleep(Math.min(POLL_MS, remaining())), signal);
  }
}
