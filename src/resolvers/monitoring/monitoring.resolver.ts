import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { cpuUsage, diskUsage, memoryUsage, memoryUsageByService, monitoringRange, networkUsage, swapUsage } from '../../core/monitoring/monitoring.js';
import { MonitoringMetricsResult, MonitoringValuesResult } from '../../schema/monitoring/monitoring-result.type.js';
import { CpuMonitoring, DiskMonitoring, MemoryMonitoring, Monitoring, MonitoringArgs, NetworkMonitoring } from '../../schema/monitoring/monitoring.type.js';
import type { GqlContext } from '../context.js';
import { echoInstant, rangeInstant, toMetricsResult, toValuesResult } from './monitoring-view.js';

type Chart = CpuMonitoring | MemoryMonitoring | DiskMonitoring | NetworkMonitoring;

/** A chart object: the arguments echoed, and the window (defaults filled in once) its results share. */
function chart<T extends Chart>(Type: new () => T, ctx: GqlContext, args: MonitoringArgs): T {
  const range = monitoringRange(ctx.deps, { start: rangeInstant(args.start), end: rangeInstant(args.end), step: args.step });
  return Object.assign(new Type(), { start: echoInstant(args.start), end: echoInstant(args.end), step: args.step, range });
}

@Resolver(() => Monitoring)
export class MonitoringResolver {
  @Authorized()
  @Query(() => Monitoring)
  monitoring(): Monitoring {
    return new Monitoring();
  }

  @Authorized()
  @FieldResolver(() => CpuMonitoring)
  cpuUsage(@Ctx() ctx: GqlContext, @Args(() => MonitoringArgs) args: MonitoringArgs): CpuMonitoring {
    return chart(CpuMonitoring, ctx, args);
  }

  @Authorized()
  @FieldResolver(() => MemoryMonitoring)
  memoryUsage(@Ctx() ctx: GqlContext, @Args(() => MonitoringArgs) args: MonitoringArgs): MemoryMonitoring {
    return chart(MemoryMonitoring, ctx, args);
  }

  @Authorized()
  @FieldResolver(() => DiskMonitoring)
  diskUsage(@Ctx() ctx: GqlContext, @Args(() => MonitoringArgs) args: MonitoringArgs): DiskMonitoring {
    return chart(DiskMonitoring, ctx, args);
  }

  @Authorized()
  @FieldResolver(() => NetworkMonitoring)
  networkUsage(@Ctx() ctx: GqlContext, @Args(() => MonitoringArgs) args: MonitoringArgs): NetworkMonitoring {
    return chart(NetworkMonitoring, ctx, args);
  }
}

@Resolver(() => CpuMonitoring)
export class CpuMonitoringResolver {
  @FieldResolver(() => MonitoringValuesResult)
  overallUsage(@Root() chart: CpuMonitoring, @Ctx() ctx: GqlContext) {
    return toValuesResult(cpuUsage(ctx.deps, chart.range));
  }
}

@Resolver(() => MemoryMonitoring)
export class MemoryMonitoringResolver {
  @FieldResolver(() => MonitoringValuesResult)
  overallUsage(@Root() chart: MemoryMonitoring, @Ctx() ctx: GqlContext) {
    return toValuesResult(memoryUsage(ctx.deps, chart.range));
  }

  @FieldResolver(() => MonitoringValuesResult)
  swapUsageOverall(@Root() chart: MemoryMonitoring, @Ctx() ctx: GqlContext) {
    return toValuesResult(swapUsage(ctx.deps, chart.range));
  }

  @FieldResolver(() => MonitoringMetricsResult)
  averageUsageByService(@Root() chart: MemoryMonitoring, @Ctx() ctx: GqlContext) {
    return toMetricsResult(memoryUsageByService(ctx.deps, chart.range, 'avg'));
  }

  @FieldResolver(() => MonitoringMetricsResult)
  maxUsageByService(@Root() chart: MemoryMonitoring, @Ctx() ctx: GqlContext) {
    return toMetricsResult(memoryUsageByService(ctx.deps, chart.range, 'max'));
  }
}

@Resolver(() => DiskMonitoring)
export class DiskMonitoringResolver {
  @FieldResolver(() => MonitoringMetricsResult)
  overallUsage(@Root() chart: DiskMonitoring, @Ctx() ctx: GqlContext) {
    return toMetricsResult(diskUsage(ctx.deps, chart.range));
  }
}

@Resolver(() => NetworkMonitoring)
export class NetworkMonitoringResolver {
  @FieldResolver(() => MonitoringMetricsResult)
  overallUsage(@Root() chart: NetworkMonitoring, @Ctx() ctx: GqlContext) {
    return toMetricsResult(networkUsage(ctx.deps, chart.range));
  }
}
