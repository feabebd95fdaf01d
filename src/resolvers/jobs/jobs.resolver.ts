import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { countToTen, watchJobs } from '../../core/jobs/job-updates.js';
import type { Job } from '../../core/jobs/job-types.js';
import { JOB_MESSAGES, getJob, listJobs, removeJob } from '../../core/jobs/jobs.js';
import { startTestJob } from '../../core/jobs/test-job.js';
import { ApiJob, JobMutations, JobQueries } from '../../schema/jobs/job.type.js';
import { GenericMutationReturn } from '../../schema/mutation-return.type.js';
import { unauthenticatedError } from '../auth-checker.js';
import type { GqlContext } from '../context.js';
import { mutationResult } from '../mutation-return.js';
import { toApiJob } from '../to-graphql.js';

function removeJobOperation(ctx: GqlContext, jobId: string) {
  return mutationResult(ctx.deps.logger, { code: 200, message: JOB_MESSAGES.removed }, async () => {
    await removeJob(ctx.deps, jobId);
    return {};
  });
}

// Subscriptions check the token when they start (the WebSocket is also refused without one).
function authorizedSubscribe<T>(start: (ctx: GqlContext) => AsyncIterable<T>) {
  return ({ context }: SubscribeResolverData<unknown, object, GqlContext>) => {
    if (!context.caller) throw unauthenticatedError();
    return start(context);
  };
}

@Resolver(() => JobQueries)
export class JobQueriesResolver {
  @Authorized()
  @Query(() => JobQueries)
  jobs(): JobQueries {
    return new JobQueries();
  }

  @Authorized()
  @FieldResolver(() => [ApiJob])
  async getJobs(@Ctx() ctx: GqlContext): Promise<ApiJob[]> {
    return (await listJobs(ctx.deps)).map(toApiJob);
  }

  @Authorized()
  @FieldResolver(() => ApiJob, { nullable: true })
  async getJob(@Ctx() ctx: GqlContext, @Arg('jobId', () => String) jobId: string): Promise<ApiJob | null> {
    const job = await getJob(ctx.deps, jobId);
    return job ? toApiJob(job) : null;
  }
}

@Resolver(() => JobMutations)
export class JobMutationsResolver {
  @Authorized()
  @Mutation(() => JobMutations)
  jobs(): JobMutations {
    return new JobMutations();
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  removeJob(@Ctx() ctx: GqlContext, @Arg('jobId', () => String) jobId: string) {
    return removeJobOperation(ctx, jobId);
  }
}

@Resolver()
export class JobRootResolver {
  @Authorized()
  @Mutation(() => GenericMutationReturn, { deprecationReason: 'Use `jobs.remove_job` instead' })
  removeJob(@Ctx() ctx: GqlContext, @Arg('jobId', () => String) jobId: string) {
    return removeJobOperation(ctx, jobId);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn)
  testMutation(@Ctx() ctx: GqlContext) {
    return mutationResult(ctx.deps.logger, { code: 200, message: 'Test mutation' }, async () => {
      await startTestJob(ctx.deps);
      return {};
    });
  }

  @Subscription(() => [ApiJob], { subscribe: authorizedSubscribe((ctx) => watchJobs(ctx.deps)) })
  jobUpdates(@Root() jobs: Job[]): ApiJob[] {
    return jobs.map(toApiJob);
  }

  @Subscription(() => Int, { subscribe: authorizedSubscribe((ctx) => countToTen(ctx.deps)) })
  count(@Root() value: number): number {
    return value;
  }
}
