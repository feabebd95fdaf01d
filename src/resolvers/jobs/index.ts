import { JobLogResolver } from './job-log.resolver.js';
import { JobMutationsResolver, JobQueriesResolver, JobRootResolver } from './jobs.resolver.js';

// The resolver classes of the `jobs` area, registered in ../build-schema.ts.
export const jobsResolvers: Function[] = [JobQueriesResolver, JobMutationsResolver, JobRootResolver, JobLogResolver];
