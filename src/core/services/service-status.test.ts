import { describe, expect, it } from 'vitest';
import type { UnitState } from '../host/host-types.js';
import { MAIL_SERVER, MONITORING, SELFPRIVACY_API } from './builtin-services.js';
import { legacyStatusCode, serviceStatus, unitStatus, unknownUnitState, worstStatus } from './service-status.js';

const states = (entries: Record<string, string | null>) =>
  new Map<string, UnitState>(
    Object.entries(entries).map(([unit, state]) => [unit, { unit, loaded: state !== null, activeState: state ?? 'inactive' }]),
  );

describe('unitStatus', () => {
  it.each([
    ['active', 'ACTIVE'],
    ['reloading', 'RELOADING'],
    ['inactive', 'INACTIVE'],
    ['failed', 'FAILED'],
    ['activating', 'ACTIVATING'],
    ['deactivating', 'DEACTIVATING'],
    ['maintenance', 'OFF'],
    ['', 'OFF'],
  ])('maps ActiveState %s to %s', (activeState, status) => {
    expect(unitStatus({ unit: 'x.service', loaded: true, activeState })).toBe(status);
  });

  it('reads a unit missing from the answer as OFF', () => {
    expect(unitStatus(undefined)).toBe('OFF');
  });

  it('reads a unit systemd could not be asked about as OFF', () => {
    expect(unitStatus(unknownUnitState('x.service'))).toBe('OFF');
    expect(serviceStatus(MAIL_SERVER, new Map([['dovecot.service', unknownUnitState('dovecot.service')], ['postfix.service', unknownUnitState('postfix.service')]]))).toBe('OFF');
  });
});

describe('worstStatus', () => {
  it('orders OFF > FAILED > RELOADING > ACTIVATING > DEACTIVATING > INACTIVE > ACTIVE', () => {
    const order = ['OFF', 'FAILED', 'RELOADING', 'ACTIVATING', 'DEACTIVATING', 'INACTIVE', 'ACTIVE'] as const;
    for (let i = 0; i < order.length; i += 1) {
      expect(worstStatus(order.slice(i).toReversed())).toBe(order[i]);
    }
  });
});

describe('serviceStatus', () => {
  it('reports the worst unit of a multi-unit service', () => {
    expect(serviceStatus(MAIL_SERVER, states({ 'dovecot.service': 'active', 'postfix.service': 'failed' }))).toBe('FAILED');
    expect(serviceStatus(MAIL_SERVER, states({ 'dovecot.service': 'active', 'postfix.service': 'active' }))).toBe('ACTIVE');
  });

  it('reports the API as ACTIVE whatever systemd says, and a unit-less templated service as INACTIVE', () => {
    expect(serviceStatus(SELFPRIVACY_API, new Map())).toBe('ACTIVE');
    expect(serviceStatus({ ...MONITORING, kind: 'templated', units: [] }, new Map())).toBe('INACTIVE');
  });

  it('reads a unit that does not exist as INACTIVE (systemd reports it inactive)', () => {
    expect(serviceStatus(MONITORING, states({ 'prometheus.service': null }))).toBe('INACTIVE');
  });
});

describe('legacyStatusCode', () => {
  it('answers 0 running, 3 not running, 4 no such unit, and the worst of several', () => {
    const s = states({ a: 'active', r: 'reloading', i: 'inactive', f: 'failed', s: 'activating', gone: null });

    expect([['a'], ['r'], ['i'], ['f'], ['s'], ['gone'], ['a', 'i'], ['a', 'gone']].map((u) => legacyStatusCode(u, s))).toEqual([0, 0, 3, 3, 3, 4, 3, 4]);
  });

  it('answers 1, as `systemctl status` exits when it cannot connect to the bus, for units systemd could not be asked about', () => {
    const s = new Map([['x.service', unknownUnitState('x.service')], ['y.service', unknownUnitState('y.service')]]);

    expect([legacyStatusCode(['x.service'], s), legacyStatusCode(['x.service', 'y.service'], s)]).toEqual([1, 1]);
  });
});
