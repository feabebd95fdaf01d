import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../test/fakes/fake-deps.js';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { scriptUnitStates } from '../../../test/fakes/unit-timeline.js';
import { waitForUnitStates } from './unit-waits.js';

function setup() {
  const host = new FakeHost();
  host.units = { 'gitea.service': 'active' };
  return { host, clock: new FixedClock(new Date('2026-05-01T12:00:00Z')) };
}

describe('waitForUnitStates', () => {
  it('returns the states once every unit reaches one of the wanted states', async () => {
    const { host, clock } = setup();
    scriptUnitStates(host, clock, 'gitea.service', [[0, 'deactivating'], [3000, 'inactive']]);

    const reached = await waitForUnitStates({ host, clock }, ['gitea.service'], ['inactive', 'failed'], 60_000);

    expect(reached).toEqual(new Map([['gitea.service', 'inactive']]));
  });

  it('gives up at the deadline even when a systemd query never answers, and aborts that query', async () => {
    const { host, clock } = setup();
    const signals: (AbortSignal | undefined)[] = [];
    host.unitStates = (_units, signal) => {
      signals.push(signal);
      return new Promise(() => undefined);
    };

    const started = Date.now();
    const reached = await waitForUnitStates({ host, clock }, ['gitea.service'], ['inactive'], 300);

    expect(reached).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('rejects with the abort reason while a query hangs, and passes the signal to the host', async () => {
    const { host, clock } = setup();
    const signals: (AbortSignal | undefined)[] = [];
    host.unitStates = (_units, signal) => {
      signals.push(signal);
      return new Promise(() => undefined);
    };
    const controller = new AbortController();

    const waiting = waitForUnitStates({ host, clock }, ['gitea.service'], ['inactive'], 60_000, controller.signal);
    setTimeout(() => controller.abort(new Error('job cancelled')), 20);

    await expect(waiting).rejects.toThrow('job cancelled');
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('stops polling when the signal aborts between polls', async () => {
    const { host, clock } = setup();
    const controller = new AbortController();
    let polls = 0;
    host.unitStates = async (units) => {
      if (++polls === 3) controller.abort();
      return new Map(units.map((unit) => [unit, { unit, loaded: true, activeState: 'active' }]));
    };

    const waiting = waitForUnitStates({ host, clock }, ['gitea.service'], ['inactive'], 60_000, controller.signal);

    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(polls).toBe(3);
  });
});
