import { MONITORING_QUERIES as Q, parseSliceMemoryQuery } from '../../core/monitoring/monitoring-queries.js';
import { MetricsQueryFailure, type PrometheusData } from '../../core/monitoring/monitoring-types.js';
import type { BlockDevice } from '../../core/host/host-types.js';
import type { Clock, MetricsSource } from '../../core/ports.js';
import { cpuPercent, diskPercent, memoryPercent, networkBytesPerSecond, sliceMemoryBytes, swapPercent } from './simulated-series.js';

// Prometheus refuses longer series; the simulation does too, so a bad step fails the same way.
const MAX_POINTS = 11_000;
// Prometheus' default evaluation interval: the resolution of `[<D>s:]` subqueries.
const SUBQUERY_STEP = 60;
const INTERFACE = 'eth0';

/** The demo server's service slices and their usual memory footprint (MiB). */
const SLICES: ReadonlyArray<readonly [string, number]> = [
  ['system', 310],
  ['user', 45],
  ['nextcloud', 420],
  ['gitea', 160],
  ['bitwarden', 38],
  ['simple-nixos-mailserver', 210],
  ['monitoring', 120],
];

type Labels = Record<string, string>;
type Series = { labels: Labels; at: (t: number) => number };

/** Prometheus' answer to a bad request (HTTP 400), as its body. */
function badData(error: string): MetricsQueryFailure {
  return new MetricsQueryFailure('status', JSON.stringify({ status: 'error', errorType: 'bad_data', error }));
}

const sampleText = (v: number) => String(Math.round(v * 1e6) / 1e6);

/**
 * Answers the monitoring charts' queries (and only those) with generated series: CPU waves, memory
 * and swap, usage of the simulated host's filesystems, network in/out and per-service memory.
 */
export class SimulatedMetricsSource implements MetricsSource {
  constructor(
    private readonly clock: Clock,
    /** The simulated host's block devices: one disk series per mounted filesystem. */
    private readonly blockDevices: () => Promise<BlockDevice[]>,
  ) {}

  async rangeQuery(query: string, start: number, end: number, step: number): Promise<PrometheusData> {
    if (!(step > 0)) throw badData('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
    if (end < start) throw badData('invalid parameter "end": end timestamp must not be before start time');
    if ((end - start) / step >= MAX_POINTS) {
      throw badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    }
    const series = await this.seriesFor(query);
    const times: number[] = [];
    for (let t = start; t <= end; t += step) times.push(t);
    return {
      resultType: 'matrix',
      result: series.map((s) => ({ metric: s.labels, values: times.map((t) => [t, sampleText(s.at(t))]) })),
    };
  }

  async instantQuery(query: string): Promise<PrometheusData> {
    const parsed = parseSliceMemoryQuery(query);
    if (!parsed) throw badData(`the simulated host does not evaluate this query: ${query}`);
    if (parsed.durationS <= 0) throw badData('1:1: parse error: range must be positive');
    const now = this.clock.now().getTime() / 1000;
    // Like a Prometheus subquery: samples on the absolute one-minute grid inside the window.
    const windowEnd = now - parsed.offsetS;
    const samples: number[] = [];
    for (let t = Math.floor(windowEnd / SUBQUERY_STEP) * SUBQUERY_STEP; t > windowEnd - parsed.durationS; t -= SUBQUERY_STEP) samples.push(t);
    if (samples.length === 0) return { resultType: 'vector', result: [] };
    const aggregate = (values: number[]) =>
      parsed.aggregate === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
    return {
      resultType: 'vector',
      result: SLICES.map(([name, mib], seed) => ({
        metric: { id: `/${name}.slice` },
        value: [now, sampleText(aggregate(samples.map((t) => sliceMemoryBytes(mib, seed, t))))],
      })),
    };
  }

  private async seriesFor(query: string): Promise<Series[]> {
    switch (query) {
      case Q.cpu:
        return [{ labels: { instance: '127.0.0.1:9002' }, at: cpuPercent }];
      case Q.memory:
        return [{ labels: {}, at: memoryPercent }];
      case Q.swap:
        return [{ labels: {}, at: swapPercent }];
      case Q.disk:
        return this.diskSeries();
      case Q.network:
        return (['receive', 'transmit'] as const).map((direction) => ({
          labels: { device: INTERFACE, direction },
          at: (t: number) => networkBytesPerSecond(direction, t),
        }));
      default:
        throw badData(`the simulated host does not evaluate this query: ${query}`);
    }
  }

  /** One series per mounted filesystem, around its current usage. */
  private async diskSeries(): Promise<Series[]> {
    const mounted = (await this.blockDevices()).filter((d) => d.mountpoints.length > 0 && Number(d.fssize) > 0);
    return mounted.map((d, seed) => {
      const base = (100 * Number(d.fsused ?? 0)) / Number(d.fssize);
      return { labels: { device: d.path }, at: (t: number) => diskPercent(base, seed, t) };
    });
  }
}
