import { describe, expect, it } from 'vitest';
import { FixedClock, silentLogger } from '../../../test/fakes/fake-deps.js';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { InProcessBackgroundWork } from '../../infra/runtime/background-work.js';
import { ServiceMonitor } from './service-monitor.js';

function setup() {
  const host = new FakeHost();
  host.units = { 'a.service': 'active', 'b.service': 'failed' };
  host.sizes = { '/var/lib/a': 100, '/var/lib/b': 20 };
  const clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
  const background = new InProcessBackgroundWork(silentLogger);
  return { host, clock, background, monitor: new ServiceMonitor({ host, clock, background, logger: silentLogger }) };
}

const queries = (host: FakeHost, verb: string) => host.calls.filter((c) => c.startsWith(verb)).length;

describe('ServiceMonitor.unitStates', () => {
  it('answers repeated questions within a second from one systemd query, and asks again after it', async () => {
    const { host, clock, monitor } = setup();

    await monitor.unitStates(['a.service', 'b.service']);
    clock.advance(900);
    const cached = await monitor.unitStates(['a.service']);
    clock.advance(200);
    await monitor.unitStates(['a.service']);

    expect(cached.get('a.service')?.activeState).toBe('active');
    expect(host.calls).toEqual(['unitStates a.service b.service', 'unitStates a.service']);
  });

  it('reads every unit as unknown when systemd cannot be asked, and asks again after the second', async () => {
    const { host, clock, monitor } = setup();
    host.failing.add('unitStates');

    const failed = await monitor.unitStates(['a.service', 'b.service']);
    host.failing.delete('unitStates');
    clock.advance(1100);
    const answered = await monitor.unitStates(['a.service']);

    expect(Object.fromEntries(failed)).toEqual({
      'a.service': { unit: 'a.service', loaded: false, activeState: 'unknown', unknown: true },
      'b.service': { unit: 'b.service', loaded: false, activeState: 'unknown', unknown: true },
    });
    expect(answered.get('a.service')).toEqual({ unit: 'a.service', loaded: true, activeState: 'active' });
  });

  it('shares one query between simultaneous questions', async () => {
    const { host, monitor } = setup();

    await Promise.all([monitor.unitStates(['a.service', 'b.service']), monitor.unitStates(['b.service']), monitor.unitStates(['a.service'])]);

    expect(queries(host, 'unitStates')).toBe(1);
  });

  it('asks again for units the cached answer does not cover, and after being told to forget', async () => {
    const { host, monitor } = setup();

    await monitor.unitStates(['a.service']);
    await monitor.unitStates(['a.service', 'b.service']);
    monitor.forgetUnitStates();
    host.units['a.service'] = 'inactive';
    const fresh = await monitor.unitStates(['a.service']);

    expect(queries(host, 'unitStates')).toBe(3);
    expect(fresh.get('a.service')?.activeState).toBe('inactive');
  });

  it('does not keep an answer that was in flight when told to forget', async () => {
    const { host, monitor } = setup();

    const inFlight = monitor.unitStates(['a.service']);
    monitor.forgetUnitStates();
    await inFlight;
    await monitor.unitStates(['a.service']);

    expect(queries(host, 'unitStates')).toBe(2);
  });

  it('joins a query in flight while it is young, but not one that has hung for longer than systemd ever takes', async () => {
    const { host, clock, monitor } = setup();
    const answer = host.unitStates.bind(host);
    let calls = 0;
    host.unitStates = (units) => (++calls === 1 ? new Promise(() => undefined) : answer(units)); // the first query hangs

    void monitor.unitStates(['a.service']);
    clock.advance(1000);
    const joined = await Promise.race([monitor.unitStates(['a.service']).then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 50))]);
    clock.advance(5000);
    const fresh = await monitor.unitStates(['a.service']);

    expect(joined).toBe('waiting');
    expect(calls).toBe(2);
    expect(fresh.get('a.service')?.activeState).toBe('active');
  });
});

describe('ServiceMonitor.folderSizes', () => {
  it('answers 0 before the first measurement, measures all folders once in the background, then answers from it', async () => {
    const { host, background, monitor } = setup();

    const first = monitor.folderSizes(['/var/lib/a', '/var/lib/b']);
    monitor.folderSizes(['/var/lib/a', '/var/lib/b']);
    await background.drain();
    const second = monitor.folderSizes(['/var/lib/a', '/var/lib/b']);

    expect([...first.values()]).toEqual([0, 0]);
    expect([...second.values()]).toEqual([100, 20]);
    expect(host.calls).toEqual(['folderSizes /var/lib/a /var/lib/b']);
    expect(monitor.measuredFolderSizes(['/var/lib/a'])).toEqual(new Map([['/var/lib/a', 100]]));
  });

  it('keeps a measurement for 15 minutes and starts a new one after, answering the old values meanwhile', async () => {
    const { host, clock, background, monitor } = setup();
    await monitor.measureFolders(['/var/lib/a']);
    host.sizes['/var/lib/a'] = 500;

    clock.advance(14 * 60_000);
    monitor.folderSizes(['/var/lib/a']);
    await background.drain();
    clock.advance(2 * 60_000);
    const stale = monitor.folderSizes(['/var/lib/a']);
    expect(monitor.measuredFolderSizes(['/var/lib/a'])).toBeUndefined();
    await background.drain();

    expect(stale.get('/var/lib/a')).toBe(100);
    expect(monitor.folderSizes(['/var/lib/a']).get('/var/lib/a')).toBe(500);
    expect(queries(host, 'folderSizes')).toBe(2);
  });

  it('survives a failed measurement and tries again on the next question', async () => {
    const { host, background, monitor } = setup();
    host.failing.add('folderSizes');

    monitor.folderSizes(['/var/lib/a']);
    await background.drain();
    host.failing.clear();
    monitor.folderSizes(['/var/lib/a']);
    await background.drain();

    expect(monitor.folderSizes(['/var/lib/a']).get('/var/lib/a')).toBe(100);
    expect(queries(host, 'folderSizes')).toBe(2);
  });
});

describe('ServiceMonitor.blockDevices', () => {
  const disk = (fsavail: string) => ({ name: 'sdb', path: '/dev/sdb', fsavail, fssize: '100', fsused: '0', size: '100', fstype: 'ext4', mountpoints: ['/volumes/sdb'], label: null, uuid: 'u', model: null, serial: null, type: 'disk' });
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('shares one listing between simultaneous and later callers for 10 seconds', async () => {
    const { host, clock, monitor } = setup();
    host.devices = [disk('60')];

    const [a, b] = await Promise.all([monitor.blockDevices(), monitor.blockDevices()]);
    host.devices = [disk('50')];
    clock.advance(9_000);
    const later = await monitor.blockDevices();

    expect(a).toEqual([disk('60')]);
    expect(b).toBe(a);
    expect(later).toBe(a);
    expect(queries(host, 'blockDevices')).toBe(1);
  });

  it('answers an older listing once while a new one is taken in the background, then the new one', async () => {
    const { host, clock, monitor } = setup();
    host.devices = [disk('60')];
    await monitor.blockDevices();
    host.devices = [disk('50')];

    clock.advance(11_000);
    const stale = await monitor.blockDevices();
    await flush();
    const fresh = await monitor.blockDevices();

    expect(stale).toEqual([disk('60')]);
    expect(fresh).toEqual([disk('50')]);
    expect(queries(host, 'blockDevices')).toBe(2);
  });

  it('waits for a new listing after being told to forget, and when the last one is more than 5 minutes old', async () => {
    const { host, clock, monitor } = setup();
    host.devices = [disk('60')];
    await monitor.blockDevices();

    host.devices = [disk('50')];
    monitor.forgetBlockDevices();
    const afterForget = await monitor.blockDevices();
    host.devices = [disk('40')];
    clock.advance(6 * 60_000);
    const afterLongIdle = await monitor.blockDevices();

    expect(afterForget).toEqual([disk('50')]);
    expect(afterLongIdle).toEqual([disk('40')]);
  });

  it('reports a failed listing to its caller and lists again on the next question', async () => {
    const { host, monitor } = setup();
    host.devices = [disk('60')];
    host.failing.add('blockDevices');

    await expect(monitor.blockDevices()).rejects.toThrow('blockDevices failed');
    host.failing.clear();

    expect(await monitor.blockDevices()).toEqual([disk('60')]);
  });
});
