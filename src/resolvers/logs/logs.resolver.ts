import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { LogEvent } from '../../core/logs/log-event.js';
import { getLogPage, logFilter } from '../../core/logs/log-pages.js';
import { LogEntriesArgs, LogEntry, Logs, PaginatedEntries, PaginatedLogsArgs } from '../../schema/logs/logs.type.js';
import { unauthenticatedError } from '../auth-checker.js';
import type { GqlContext } from '../context.js';
import { coreQuery } from '../query-error.js';
import { liveLogEntry, toLogEntry } from './log-view.js';

// The token is checked when the subscription starts (the WebSocket is also refused without one).
function followLog({ args, context }: SubscribeResolverData<unknown, LogEntriesArgs, GqlContext>): AsyncIterable<LogEvent> {
  if (!context.caller) throw unauthenticatedError();
  return context.deps.logFeed.subscribe(logFilter(args.filterByUnit, args.filterBySlice), args.after ?? undefined);
}

@Resolver(() => Logs)
export class LogsResolver {
  @Authorized()
  @Query(() => Logs)
  logs(): Logs {
    return new Logs();
  }

  @Authorized()
  @FieldResolver(() => PaginatedEntries)
  paginated(@Ctx() ctx: GqlContext, @Args(() => PaginatedLogsArgs) args: PaginatedLogsArgs): Promise<PaginatedEntries> {
    return coreQuery(async () => {
      const page = await getLogPage(ctx.deps, args);
      return { pageMeta: { upCursor: page.upCursor, downCursor: page.downCursor }, entries: page.entries.map(toLogEntry) };
    });
  }
}

@Resolver()
export class LogEntriesResolver {
  /** New journal entries as they are written; an entry that cannot be kept up with ends this subscription with an error. */
  @Subscription(() => LogEntry, { subscribe: followLog })
  logEntries(@Root() event: LogEvent, @Args(() => LogEntriesArgs) _args: LogEntriesArgs): LogEntry {
    return liveLogEntry(event);
  }
}
