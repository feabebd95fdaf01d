import type { Deps } from '../ports.js';
import { unitStatus } from '../services/service-status.js';
import { MONITORING_MESSAGES as M } from './monitoring-messages.js';
import { MONITORING_QUERIES as Q, type SliceAggregate, sliceMemoryQuery } from './monitoring-queries.js';
import type { MonitoringMetricsResult, MonitoringRange, MonitoringValuesResult, PrometheusData } from './monitoring-types.js';
import { MetricsQueryFailure } from './monitoring-types.js';
import { UnexpectedResultType, firstSeriesSamples, metricsByLabel, sliceName } from './prometheus-results.js';

type MonitoringDeps = Pick<Deps, 'metrics' | 'serviceMonitor' | 'clock'>;

const DEFAULT_WINDOW_MS = 20 * 60 * 1000;
const PROMETHEUS_UNIT = 'prometheus.service';

/** The chart window: start defaults to 20 minutes ago, end to now. */
export function monitoringRange(deps: Pick<Deps, 'clock'>, args: { start?: Date | null; end?: Date | null; step: number }): MonitoringRange {
  const now = deps.clock.now();
  return { start: args.start ?? new Date(now.getTime() - DEFAULT_WINDOW_MS), end: args.end ?? now, step: args.step };
}

const seconds = (date: Date) => Math.trunc(date.getTime() / 1000);

/**
 * Runs one query when prometheus.service is active and reads its answer with `read`; every failure
 * (not running, HTTP status, unreachable, timeout, unexpected answer) becomes `{ error }`.
 */
async function answer<T>(deps: MonitoringDeps, query: string, send: () => Promise<PrometheusData>, read: (data: PrometheusData) => T): Promise<T | { error: string }> {
  const states = await deps.serviceMonitor.unitStates([PROMETHEUS_UNIT]);
  if (unitStatus(states.get(PROMETHEUS_UNIT)) !== 'ACTIVE') return { error: M.notRunning };
  try {
    return read(await send());
  } catch (err) {
    if (err instanceof UnexpectedResultType) return { error: err.message };
    if (err instanceof MetricsQueryFailure) {
      return { error: err.kind === 'status' ? M.unexpectedStatus(err.detail, query) : M.requestFailed(err.detail) };
    }
    throw err;
  }
}

function rangeValues(deps: MonitoringDeps, query: string, range: MonitoringRange): Promise<MonitoringValuesResult> {
  const send = () => deps.metrics.rangeQuery(query, seconds(range.start), seconds(range.end), range.step);
  return answer(deps, query, send, (data) => ({ values: firstSeriesSamples(data) }));
}

function rangeMetrics(deps: MonitoringDeps, query: string, range: MonitoringRange, idLabel: string): Promise<MonitoringMetricsResult> {
  const send = () => deps.metrics.rangeQuery(query, seconds(range.start), seconds(range.end), range.step);
  return answer(deps, query, send, (data) => ({ metrics: metricsByLabel(data, 'matrix', idLabel) }));
}

/** Overall CPU usage in percent. */
export function cpuUsage(deps: MonitoringDeps, range: MonitoringRange): Promise<MonitoringValuesResult> {
  return rangeValues(deps, Q.cpu, range);
}

/** Memory in use, in percent of the total. */
export function memoryUsage(deps: MonitoringDeps, range: MonitoringRange): Promise<MonitoringValuesResult> {
  return rangeValues(deps, Q.memory, range);
}

/** Swap in use, in percent of the total. */
export function swapUsage(deps: MonitoringDeps, range: MonitoringRange): Promise<MonitoringValuesResult> {
  return rangeValues(deps, Q.swap, range);
}

/**
 * Average or peak memory (bytes) of each service's slice over the range: one instant query over a
 * window of end − start seconds, shifted back by now − end seconds.
 */
export function memoryUsageByService(deps: MonitoringDeps, range: MonitoringRange, aggregate: SliceAggregate): Promise<MonitoringMetricsResult> {
  const durationS = seconds(range.end) - seconds(range.start);
  const offsetS = Math.trunc((deps.clock.now().getTime() - range.end.getTime()) / 1000);
  const query = sliceMemoryQuery(aggregate, durationS, offsetS);
  return answer(deps, query, () => deps.metrics.instantQuery(query), (data) => ({ metrics: metricsByLabel(data, 'vector', 'id', sliceName) }));
}

/** Used space of each filesystem, in percent, named by device. */
export function diskUsage(deps: MonitoringDeps, range: MonitoringRange): Promise<MonitoringMetricsResult> {
  return rangeMetrics(deps, Q.disk, range, 'device');
}

/** Bytes per second received and sent, one metric per interface and direction (`receive` / `transmit`). */
export function networkUsage(deps: MonitoringDeps, range: MonitoringRange): Promise<MonitoringMetricsResult> {
  return rangeMetrics(deps, Q.network, range, 'direction');
}
