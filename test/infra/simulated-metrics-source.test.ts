import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MONITORING_QUERIES as Q, sliceMemoryQuery } from '../../src/core/monitoring/monitoring-queries.js';
import { MetricsQueryFailure } from '../../src/core/monitoring/monitoring-types.js';
import { SimulatedMetricsSource } from '../../src/infra/monitoring/simulated-metrics-source.js';
import { SimulatedHost } from '../../src/infra/host/simulated-host.js';
import { FixedClock, silentLogger } from '../fakes/fake-deps.js';
import { sampleBlockDevices } from '../fakes/block-devices.js';

const NOW = new Date('2026-11-29T18:00:00Z');
const T0 = NOW.getTime() / 1000;

// sdb on /volumes/sdb is 19 % full, sda1 on / 21.4 %; sdc is not mounted.
const source = () => new SimulatedMetricsSource(new FixedClock(NOW), async () => sampleBlockDevices());

type Matrix = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
const numbers = (series: Matrix[number]) => series.values.map(([, v]) => Number(v));

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MetricsQueryFailure);
  expect((err as MetricsQueryFailure).kind).toBe('status');
  return JSON.parse((err as MetricsQueryFailure).detail).error;
}

describe('SimulatedMetricsSource', () => {
  it('draws one CPU, memory and swap series of percentages, one sample per step from start to end', async () => {
    for (const query of [Q.cpu, Q.memory, Q.swap]) {
      const data = await source().rangeQuery(query, T0 - 1200, T0, 60);
      const [series, ...others] = data.result as Matrix;

      expect(data.resultType).toBe('matrix');
      expect(others).toEqual([]);
      expect(series.values.map(([t]) => t)).toEqual(Array.from({ length: 21 }, (_, i) => T0 - 1200 + 60 * i));
      expect(numbers(series).every((v) => v >= 0 && v <= 100)).toBe(true);
    }
  });

  it('moves: CPU samples over an hour are not all alike', async () => {
    const data = await source().rangeQuery(Q.cpu, T0 - 3600, T0, 60);

    expect(new Set(numbers((data.result as Matrix)[0])).size).toBeGreaterThan(30);
  });

  it('gives the same values for the same time, whichever request asks', async () => {
    const wide = await source().rangeQuery(Q.memory, T0 - 600, T0, 60);
    const narrow = await source().rangeQuery(Q.memory, T0 - 120, T0, 60);

    expect((narrow.result as Matrix)[0].values).toEqual((wide.result as Matrix)[0].values.slice(-3));
  });

  it('draws disk usage for each mounted filesystem of the host, near its current usage', async () => {
    const data = await source().rangeQuery(Q.disk, T0 - 600, T0, 60);
    const result = data.result as Matrix;

    expect(result.map((s) => s.metric.device)).toEqual(['/dev/sdb', '/dev/sda1']);
    expect(numbers(result[0]).every((v) => Math.abs(v - 19.05) < 1)).toBe(true);
    expect(numbers(result[1]).every((v) => Math.abs(v - 21.43) < 1)).toBe(true);
  });

  it('draws network traffic in and out of one interface, in bytes per second', async () => {
    const data = await source().rangeQuery(Q.network, T0 - 600, T0, 60);
    const result = data.result as Matrix;

    expect(result.map((s) => s.metric)).toEqual([{ device: 'eth0', direction: 'receive' }, { device: 'eth0', direction: 'transmit' }]);
    expect(result.flatMap(numbers).every((v) => v > 0)).toBe(true);
  });

  it('answers the per-service memory aggregates as a vector of slices, the peak above the average', async () => {
    const max = await source().instantQuery(sliceMemoryQuery('max', 1200, 0));
    const avg = await source().instantQuery(sliceMemoryQuery('avg', 1200, 0));
    const values = (data: typeof max) => (data.result as Array<{ metric: { id: string }; value: [number, string] }>).map((r) => [r.metric.id, Number(r.value[1])] as const);

    expect(max.resultType).toBe('vector');
    expect(values(max).map(([id]) => id)).toContain('/nextcloud.slice');
    values(max).forEach(([id, peak], i) => {
      expect(peak).toBeGreaterThan(values(avg)[i][1]);
      expect(values(avg)[i][0]).toBe(id);
    });
  });

  it('samples per-service memory on the absolute minute grid, so a window ending at the same time gives the same values', async () => {
    const later = new SimulatedMetricsSource(new FixedClock(new Date(NOW.getTime() + 30_000)), async () => []);

    const now = await source().instantQuery(sliceMemoryQuery('avg', 600, 0));
    const shifted = await later.instantQuery(sliceMemoryQuery('avg', 600, 30));
    const inBetween = await source().instantQuery(sliceMemoryQuery('avg', 20, 10));

    const values = (data: typeof now) => (data.result as Array<{ value: [number, string] }>).map((r) => r.value[1]);
    expect(values(shifted)).toEqual(values(now));
    expect(inBetween.result).toEqual([]);
  });

  it('refuses as Prometheus does: a step of zero, an end before the start, more than 11,000 points', async () => {
    expect(await refusal(source().rangeQuery(Q.cpu, T0 - 60, T0, 0))).toMatch(/zero or negative query resolution step/);
    expect(await refusal(source().rangeQuery(Q.cpu, T0, T0 - 60, 60))).toMatch(/end timestamp must not be before start time/);
    expect(await refusal(source().rangeQuery(Q.cpu, T0 - 86_400, T0, 1))).toMatch(/exceeded maximum resolution of 11,000 points/);
  });

  it('refuses a query the charts never send', async () => {
    expect(await refusal(source().rangeQuery('up', T0 - 60, T0, 60))).toMatch(/does not evaluate this query/);
    expect(await refusal(source().instantQuery('up'))).toMatch(/does not evaluate this query/);
  });

  it('draws the simulated host\'s own volumes', async () => {
    const host = new SimulatedHost(join(mkdtempSync(join(tmpdir(), 'sp-metrics-')), 'host.json'), new FixedClock(NOW), silentLogger);
    const data = await new SimulatedMetricsSource(new FixedClock(NOW), () => host.blockDevices()).rangeQuery(Q.disk, T0 - 60, T0, 60);

    expect((data.result as Matrix).map((s) => s.metric.device).sort()).toEqual(['/dev/sda1', '/dev/sdb']);
  });
});
