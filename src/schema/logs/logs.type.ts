import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

@ObjectType()
export class LogEntry {
  @Field(() => String)
  message!: string;

  @Field(() => DateTimeScalar)
  timestamp!: string;

  @Field(() => Int, { nullable: true })
  priority!: number | null;

  @Field(() => String, { nullable: true })
  systemdUnit!: string | null;

  @Field(() => String, { nullable: true })
  systemdSlice!: string | null;

  @Field(() => String)
  cursor!: string;
}

@ObjectType()
export class LogsPageMeta {
  @Field(() => String, { nullable: true })
  upCursor!: string | null;

  @Field(() => String, { nullable: true })
  downCursor!: string | null;
}

@ObjectType()
export class PaginatedEntries {
  @Field(() => LogsPageMeta, { description: 'Metadata to aid in pagination.' })
  pageMeta!: LogsPageMeta;

  @Field(() => [LogEntry], { description: 'The list of log entries.' })
  entries!: LogEntry[];
}

@ObjectType()
export class Logs {}

@ArgsType()
export class PaginatedLogsArgs {
  @Field(() => Int, { defaultValue: 20 })
  limit!: number;

  @Field(() => String, { nullable: true, defaultValue: null })
  upCursor!: string | null;

  @Field(() => String, { nullable: true, defaultValue: null })
  downCursor!: string | null;

  @Field(() => String, { nullable: true, defaultValue: null })
  filterBySlice!: string | null;

  @Field(() => String, { nullable: true, defaultValue: null })
  filterByUnit!: string | null;
}

/** logEntries' optional arguments (additive: the contract's form has none). */
@ArgsType()
export class LogEntriesArgs {
  @Field(() => String, { nullable: true, description: 'A journal cursor: replay the entries after it, then follow.' })
  after?: string | null;

  @Field(() => String, { nullable: true, description: 'Only entries of this systemd unit (_SYSTEMD_UNIT).' })
  filterByUnit?: string | null;

  @Field(() => String, { nullable: true, description: 'Only entries of this systemd slice (_SYSTEMD_SLICE).' })
  filterBySlice?: string | null;
}
