// What the monitoring use cases hand the transports, and what a metrics source answers.

/** The window a chart covers; epoch seconds are derived from it for Prometheus. */
export interface MonitoringRange {
  start: Date;
  end: Date;
  /** Seconds between two samples. */
  step: number;
}

/** One sample: when it was taken and Prometheus' value text (kept as text, as the contract does). */
export interface MonitoringSample {
  at: Date;
  value: string;
}

export interface MonitoringMetric {
  metricId: string;
  values: MonitoringSample[];
}

export interface MonitoringError {
  error: string;
}

export type MonitoringValuesResult = { values: MonitoringSample[] } | MonitoringError;
export type MonitoringMetricsResult = { metrics: MonitoringMetric[] } | MonitoringError;

/** The `data` of a Prometheus HTTP API answer: `result` is checked by the use case that reads it. */
export interface PrometheusData {
  resultType: string;
  result: unknown;
}

/**
 * Why a metrics query got no data: `status` when the source answered with another HTTP status than
 * 200 (`detail` is its body), `request` for everything else (unreachable, timeout, bad answer).
 */
export class MetricsQueryFailure extends Error {
  override name = 'MetricsQueryFailure';
  constructor(
    readonly kind: 'status' | 'request',
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
  }
}
