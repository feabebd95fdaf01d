import { Field, ObjectType, createUnionType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('MonitoringValue')
export class MonitoringValue {
  /** Naive local time of the sample (§2.3). */
  @Field(() => DateTimeScalar) timestamp!: string;
  @Field(() => String) value!: string;
}

@ObjectType('MonitoringValues')
export class MonitoringValues {
  @Field(() => [MonitoringValue]) values!: MonitoringValue[];
}

@ObjectType('MonitoringMetric')
export class MonitoringMetric {
  @Field(() => String) metricId!: string;
  @Field(() => [MonitoringValue]) values!: MonitoringValue[];
}

@ObjectType('MonitoringMetrics')
export class MonitoringMetrics {
  @Field(() => [MonitoringMetric]) metrics!: MonitoringMetric[];
}

/** Why a chart has no data (Prometheus stopped, unreachable, or answering an error): a result, never a GraphQL error. */
@ObjectType('MonitoringQueryError')
export class MonitoringQueryError {
  @Field(() => String) error!: string;
}

export const MonitoringValuesResult = createUnionType({
  name: 'MonitoringValuesResult',
  types: () => [MonitoringValues, MonitoringQueryError] as const,
  resolveType: (value) => ('error' in value ? 'MonitoringQueryError' : 'MonitoringValues'),
});

export const MonitoringMetricsResult = createUnionType({
  name: 'MonitoringMetricsResult',
  types: () => [MonitoringMetrics, MonitoringQueryError] as const,
  resolveType: (value) => ('error' in value ? 'MonitoringQueryError' : 'MonitoringMetrics'),
});
