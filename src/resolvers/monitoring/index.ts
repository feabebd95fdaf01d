import {
  CpuMonitoringResolver,
  DiskMonitoringResolver,
  MemoryMonitoringResolver,
  MonitoringResolver,
  NetworkMonitoringResolver,
} from './monitoring.resolver.js';

// The resolver classes of the `monitoring` area, registered in build-schema.ts.
export const monitoringResolvers: Function[] = [
  MonitoringResolver,
  CpuMonitoringResolver,
  MemoryMonitoringResolver,
  DiskMonitoringResolver,
  NetworkMonitoringResolver,
];
