// Contract types and root fields the `monitoring` area delivers (see ../delivered-schema.ts).
export const monitoringTypes: string[] = [
  'Monitoring',
  'CpuMonitoring',
  'MemoryMonitoring',
  'DiskMonitoring',
  'NetworkMonitoring',
  'MonitoringValue',
  'MonitoringValues',
  'MonitoringMetric',
  'MonitoringMetrics',
  'MonitoringQueryError',
  'MonitoringValuesResult',
  'MonitoringMetricsResult',
];
export const monitoringRootFields = {
  Query: ['monitoring'] as string[],
  Mutation: [] as string[],
  Subscription: [] as string[],
};
