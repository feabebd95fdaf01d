import { MONITORING_MESSAGES as M } from './monitoring-messages.js';
import { MetricsQueryFailure, type MonitoringMetric, type MonitoringSample, type PrometheusData } from './monitoring-types.js';

// Reads the `result` of a Prometheus answer. A shape Prometheus never sends is a failed request,
// not a crash: the chart gets a MonitoringQueryError.

interface Series {
  metric: Record<string, unknown>;
  samples: MonitoringSample[];
}

/** Thrown when the answer is of another result type than the query asks for. */
export class UnexpectedResultType extends Error {
  override name = 'UnexpectedResultType';
  constructor() {
    super(M.unexpectedResultType);
  }
}

const malformed = (what: string) => new MetricsQueryFailure('request', `malformed ${what} in the Prometheus answer`);

function sample(pair: unknown): MonitoringSample {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') throw malformed('sample');
  return { at: new Date(Math.round(pair[0] * 1000)), value: pair[1] };
}

function seriesOf(data: PrometheusData, expected: 'matrix' | 'vector'): Series[] {
  if (data.resultType !== expected) throw new UnexpectedResultType();
  if (!Array.isArray(data.result)) throw malformed('result');
  return data.result.map((item: unknown) => {
    const entry = item as { metric?: unknown; values?: unknown; value?: unknown } | null;
    if (typeof entry !== 'object' || entry === null || typeof entry.metric !== 'object' || entry.metric === null) throw malformed('series');
    const metric = entry.metric as Record<string, unknown>;
    if (expected === 'vector') return { metric, samples: [sample(entry.value)] };
    if (!Array.isArray(entry.values)) throw malformed('series');
    return { metric, samples: entry.values.map(sample) };
  });
}

/** The samples of a range query's first series; none when Prometheus has no series (the reference raised there). */
export function firstSeriesSamples(data: PrometheusData): MonitoringSample[] {
  return seriesOf(data, 'matrix')[0]?.samples ?? [];
}

/** One metric per series of a range (`matrix`) or instant (`vector`) answer, named by the label `idLabel`. */
export function metricsByLabel(
  data: PrometheusData,
  expected: 'matrix' | 'vector',
  idLabel: string,
  nameOf: (label: string | undefined) => string = (label) => label ?? 'unknown',
): MonitoringMetric[] {
  return seriesOf(data, expected).map((s) => {
    const label = s.metric[idLabel];
    return { metricId: nameOf(typeof label === 'string' ? label : undefined), values: s.samples };
  });
}

/** A top-level slice's service name: `/nextcloud.slice` → `nextcloud`; a missing label → `unknown`. */
export function sliceName(id: string | undefined): string {
  if (id === undefined) return 'unknown';
  const name = id.split('.')[0].split('/')[1];
  return name || id;
}
