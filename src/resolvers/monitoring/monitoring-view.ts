import type { MonitoringMetricsResult as CoreMetrics, MonitoringSample, MonitoringValuesResult as CoreValues } from '../../core/monitoring/monitoring-types.js';
import { naiveLocalIso } from '../../core/time/iso-format.js';
import { MonitoringMetric, MonitoringMetrics, MonitoringQueryError, MonitoringValue, MonitoringValues } from '../../schema/monitoring/monitoring-result.type.js';
import { isNaiveInput, naiveInputAsLocal } from '../../schema/scalars.js';

// Core monitoring results as contract types.

function toValue(sample: MonitoringSample): MonitoringValue {
  return Object.assign(new MonitoringValue(), { timestamp: naiveLocalIso(sample.at), value: sample.value });
}

const toError = (error: string) => Object.assign(new MonitoringQueryError(), { error });

export async function toValuesResult(result: Promise<CoreValues>): Promise<MonitoringValues | MonitoringQueryError> {
  const r = await result;
  if ('error' in r) return toError(r.error);
  return Object.assign(new MonitoringValues(), { values: r.values.map(toValue) });
}

export async function toMetricsResult(result: Promise<CoreMetrics>): Promise<MonitoringMetrics | MonitoringQueryError> {
  const r = await result;
  if ('error' in r) return toError(r.error);
  const metrics = r.metrics.map((m) => Object.assign(new MonitoringMetric(), { metricId: m.metricId, values: m.values.map(toValue) }));
  return Object.assign(new MonitoringMetrics(), { metrics });
}

/** A range argument as the instant it means: without an offset it is server local time (§2.3). */
export function rangeInstant(date: Date | null): Date | null {
  return date && naiveInputAsLocal(date);
}

/** A range argument echoed as given: naive input back as naive text, aware input as UTC. */
export function echoInstant(date: Date | null): string | Date | null {
  if (!date) return null;
  return isNaiveInput(date) ? naiveLocalIso(naiveInputAsLocal(date)) : date;
}
