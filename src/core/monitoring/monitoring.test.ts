import { describe, expect, it } from 'vitest';
import { FixedClock, silentLogger } from '../../../test/fakes/fake-deps.js';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { InProcessBackgroundWork } from '../../infra/runtime/background-work.js';
import type { MetricsSource } from '../ports.js';
import { ServiceMonitor } from '../services/service-monitor.js';
import { cpuUsage, diskUsage, memoryUsage, memoryUsageByService, monitoringRange, networkUsage, swapUsage } from './monitoring.js';
import { MONITORING_QUERIES } from './monitoring-queries.js';
import { MetricsQueryFailure, type PrometheusData } from './monitoring-types.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const T0 = NOW.getTime() / 1000;

/** Records what it was asked and answers from a script (or fails loudly). */
class ScriptedMetrics implements MetricsSource {
  readonly calls: string[] = [];
  constructor(private readonly answer: () => PrometheusData) {}
  async rangeQuery(query: string, start: number, end: number, step: number) {
    this.calls.push(`range ${query} ${start} ${end} ${step}`);
    return this.answer();
  }
  async instantQuery(query: string) {
    this.calls.push(`instant ${query}`);
    return this.answer();
  }
}

function setup(answer: () => PrometheusData, prometheus = 'active') {
  const host = new FakeHost();
  host.units = { 'prometheus.service': prometheus };
  const clock = new FixedClock(NOW);
  const serviceMonitor = new ServiceMonitor({ host, clock, background: new InProcessBackgroundWork(silentLogger), logger: silentLogger });
  const metrics = new ScriptedMetrics(answer);
  return { deps: { clock, serviceMonitor, metrics }, metrics };
}

const matrix = (...series: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>) => ({ resultType: 'matrix', result: series });
const range = { start: new Date((T0 - 120) * 1000), end: new Date(T0 * 1000), step: 60 };

describe('monitoringRange', () => {
  it('defaults to the last 20 minutes', () => {
    const { deps } = setup(() => matrix());

    expect(monitoringRange(deps, { step: 60 })).toEqual({ start: new Date(NOW.getTime() - 20 * 60_000), end: NOW, step: 60 });
  });
});

describe('range queries', () => {
  it('send the spec PromQL over whole epoch seconds and read the first series', async () => {
    const { deps, metrics } = setup(() => matrix({ metric: {}, values: [[T0 - 60, '12.5'], [T0, '13']] }, { metric: {}, values: [[T0, '99']] }));

    const result = await cpuUsage(deps, { ...range, start: new Date((T0 - 60) * 1000 + 999) });

    expect(result).toEqual({ values: [{ at: new Date((T0 - 60) * 1000), value: '12.5' }, { at: NOW, value: '13' }] });
    expect(metrics.calls).toEqual([`range 100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100) ${T0 - 60} ${T0} 60`]);
  });

  it('answer an empty list when Prometheus has no series', async () => {
    const { deps } = setup(() => matrix());

    expect(await memoryUsage(deps, range)).toEqual({ values: [] });
    expect(await swapUsage(deps, range)).toEqual({ values: [] });
  });

  it('name disk metrics by device and network metrics by direction', async () => {
    const { deps, metrics } = setup(() =>
      matrix({ metric: { device: '/dev/sda1', direction: 'receive' }, values: [[T0, '41.2']] }, { metric: { direction: 'transmit' }, values: [] }),
    );

    const disks = await diskUsage(deps, range);
    const network = await networkUsage(deps, range);

    expect(disks).toEqual({ metrics: [{ metricId: '/dev/sda1', values: [{ at: NOW, value: '41.2' }] }, { metricId: 'unknown', values: [] }] });
    expect(network).toEqual({ metrics: [{ metricId: 'receive', values: [{ at: NOW, value: '41.2' }] }, { metricId: 'transmit', values: [] }] });
    expect(metrics.calls).toEqual([`range ${MONITORING_QUERIES.disk} ${T0 - 120} ${T0} 60`, `range ${MONITORING_QUERIES.network} ${T0 - 120} ${T0} 60`]);
  });
});

describe('memoryUsageByService', () => {
  it('asks for the window as an instant query, shifted back to its end, and names slices by service', async () => {
    const { deps, metrics } = setup(() => ({
      resultType: 'vector',
      result: [{ metric: { id: '/nextcloud.slice' }, value: [T0, '440401920'] }, { metric: {}, value: [T0, '1'] }],
    }));

    const result = await memoryUsageByService(deps, { start: new Date((T0 - 3600) * 1000), end: new Date((T0 - 600) * 1000), step: 60 }, 'max');

    expect(result).toEqual({ metrics: [{ metricId: 'nextcloud', values: [{ at: NOW, value: '440401920' }] }, { metricId: 'unknown', values: [{ at: NOW, value: '1' }] }] });
    expect(metrics.calls).toEqual([
      'instant max_over_time((container_memory_rss{id!~".*slice.*slice", id=~".*slice"}+container_memory_swap{id!~".*slice.*slice", id=~".*slice"})[3000s:] offset 600s)',
    ]);
  });

  it('leaves the offset out for a window ending now', async () => {
    const { deps, metrics } = setup(() => ({ resultType: 'vector', result: [] }));

    await memoryUsageByService(deps, monitoringRange(deps, { step: 60 }), 'avg');

    expect(metrics.calls[0]).toMatch(/^instant avg_over_time\(\(.*\)\[1200s:\]\)$/);
  });
});

describe('failures become MonitoringQueryError texts', () => {
  it('when prometheus.service is not active, without asking Prometheus', async () => {
    const { deps, metrics } = setup(() => matrix(), 'inactive');

    expect(await cpuUsage(deps, range)).toEqual({ error: 'Prometheus is not running' });
    expect(metrics.calls).toEqual([]);
  });

  it('for another HTTP status, quoting the body and the query', async () => {
    const { deps } = setup(() => {
      throw new MetricsQueryFailure('status', 'boom');
    });

    expect(await memoryUsage(deps, range)).toEqual({
      error: `Prometheus returned unexpected HTTP status code. Error: boom. The query was ${MONITORING_QUERIES.memory}`,
    });
  });

  it('for a failed request', async () => {
    const { deps } = setup(() => {
      throw new MetricsQueryFailure('request', 'no answer within 800 ms');
    });

    expect(await networkUsage(deps, range)).toEqual({ error: 'Prometheus request failed! Error: no answer within 800 ms' });
  });

  it('for an answer of another result type, or of a shape Prometheus never sends', async () => {
    const vector = setup(() => ({ resultType: 'vector', result: [] }));
    const broken = setup(() => matrix({ metric: {}, values: [['now' as unknown as number, 1 as unknown as string]] }));

    expect(await cpuUsage(vector.deps, range)).toEqual({ error: 'Unexpected resultType returned from Prometheus, request failed' });
    expect(await cpuUsage(broken.deps, range)).toEqual({ error: 'Prometheus request failed! Error: malformed sample in the Prometheus answer' });
  });
});
