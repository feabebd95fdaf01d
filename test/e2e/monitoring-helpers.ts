// GraphQL documents for the monitoring charts, shared by the simulated-host and Prometheus suites.

const VALUES = '... on MonitoringValues { values { timestamp value } } ... on MonitoringQueryError { error }';
const METRICS = '... on MonitoringMetrics { metrics { metricId values { timestamp value } } } ... on MonitoringQueryError { error }';

/** Every field of `monitoring`, each chart with the same arguments (none when `args` is empty). */
export function monitoringQuery(args = ''): string {
  const a = args ? `(${args})` : '';
  const variables = args ? '($start: DateTime, $end: DateTime, $step: Int!)' : '';
  return `query ${variables} { monitoring {
    cpuUsage${a} { start end step overallUsage { ${VALUES} } }
    memoryUsage${a} { start end step overallUsage { ${VALUES} } swapUsageOverall { ${VALUES} }
      averageUsageByService { ${METRICS} } maxUsageByService { ${METRICS} } }
    diskUsage${a} { start end step overallUsage { ${METRICS} } }
    networkUsage${a} { start end step overallUsage { ${METRICS} } }
  } }`;
}

export const WITH_ARGS = 'start: $start, end: $end, step: $step';

/** Every result field of a monitoring answer, by path. */
export function resultsOf(monitoring: any): Record<string, any> {
  return {
    cpu: monitoring.cpuUsage.overallUsage,
    memory: monitoring.memoryUsage.overallUsage,
    swap: monitoring.memoryUsage.swapUsageOverall,
    averageByService: monitoring.memoryUsage.averageUsageByService,
    maxByService: monitoring.memoryUsage.maxUsageByService,
    disk: monitoring.diskUsage.overallUsage,
    network: monitoring.networkUsage.overallUsage,
  };
}

/** Seconds between consecutive naive timestamps. */
export function gaps(values: Array<{ timestamp: string }>): number[] {
  const ms = values.map((v) => new Date(v.timestamp).getTime());
  return ms.slice(1).map((t, i) => (t - ms[i]) / 1000);
}
