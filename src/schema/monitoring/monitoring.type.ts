import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { MonitoringRange } from '../../core/monitoring/monitoring-types.js';
import { DateTimeScalar } from '../scalars.js';

/** The `monitoring` query namespace; each chart has a resolver. */
@ObjectType('Monitoring')
export class Monitoring {}

@ArgsType()
export class MonitoringArgs {
  @Field(() => DateTimeScalar, { nullable: true, defaultValue: null }) start!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, defaultValue: null }) end!: Date | null;
  @Field(() => Int, { defaultValue: 60 }) step!: number;
}

// Every chart echoes its arguments (as given) and keeps the window its results cover (`range`, not a field).

@ObjectType('CpuMonitoring')
export class CpuMonitoring {
  @Field(() => DateTimeScalar, { nullable: true }) start!: string | Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) end!: string | Date | null;
  @Field(() => Int) step!: number;
  range!: MonitoringRange;
}

@ObjectType('MemoryMonitoring')
export class MemoryMonitoring {
  @Field(() => DateTimeScalar, { nullable: true }) start!: string | Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) end!: string | Date | null;
  @Field(() => Int) step!: number;
  range!: MonitoringRange;
}

@ObjectType('DiskMonitoring')
export class DiskMonitoring {
  @Field(() => DateTimeScalar, { nullable: true }) start!: string | Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) end!: string | Date | null;
  @Field(() => Int) step!: number;
  range!: MonitoringRange;
}

@ObjectType('NetworkMonitoring')
export class NetworkMonitoring {
  @Field(() => DateTimeScalar, { nullable: true }) start!: string | Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) end!: string | Date | null;
  @Field(() => Int) step!: number;
  range!: MonitoringRange;
}
