import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { CoreError } from '../../core/errors.js';
import { followJobLogLines, logCursor, readJobLog } from '../../core/jobs/job-log.js';
import type { JobLogLine as CoreJobLogLine } from '../../core/jobs/job-log-types.js';
import { ApiJob } from '../../schema/jobs/job.type.js';
import { JobLogLine } from '../../schema/jobs/job-log-line.type.js';
import { unauthenticatedError } from '../auth-checker.js';
import type { GqlContext } from '../context.js';
import { coreQuery } from '../query-error.js';

const toJobLogLine = (line: CoreJobLogLine): JobLogLine => ({ cursor: logCursor(line), timestamp: line.timestamp, message: line.message });

type JobLogArgs = { jobId: string; after?: string | null };

// The token is checked when the subscription starts; an unknown job or a bad cursor is a GraphQL error.
async function subscribeJobLog({ args, context }: SubscribeResolverData<unknown, JobLogArgs, GqlContext>) {
  if (!context.caller) throw unauthenticatedError();
  try {
    return await followJobLogLines(context.deps, args.jobId, args.after);
  } catch (err) {
    if (err instanceof CoreError) throw new GraphQLError(err.message, { extensions: { code: err.code } });
    throw err;
  }
}

@Resolver(() => ApiJob)
export class JobLogResolver {
  @Authorized()
  @FieldResolver(() => [JobLogLine], { description: "The job's own log after `after` (from the first line without it), at most `limit` lines (1000 at most)." })
  async logLines(
    @Root() job: ApiJob,
    @Ctx() ctx: GqlContext,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('limit', () => Int, { nullable: true }) limit?: number | null,
  ): Promise<JobLogLine[]> {
    return (await coreQuery(() => readJobLog(ctx.deps, job.uid, after, limit))).map(toJobLogLine);
  }

  @Subscription(() => JobLogLine, {
    subscribe: subscribeJobLog,
    description: "A job's log: the lines after `after` (all without it), then each new one; completes when the job ends.",
  })
  jobLog(
    @Root() line: CoreJobLogLine,
    @Arg('jobId', () => String) _jobId: string,
    @Arg('after', () => String, { nullable: true }) _after?: string | null,
  ): JobLogLine {
    return toJobLogLine(line);
  }
}
