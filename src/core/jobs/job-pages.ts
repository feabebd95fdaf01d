import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { Job } from './job-types.js';
import { listJobs } from './jobs.js';

export const JOBS_PER_PAGE = 25;
export const MAX_JOBS_PER_PAGE = 100;

export interface JobPageRequest {
  /** From 1 (the default). */
  page?: number;
  perPage?: number;
  /** Only jobs of this type id. */
  typeId?: string;
}

/** One page of the jobs, newest first, optionally of one type; INVALID_INPUT for a page below 1 or a size outside 1..100. */
export async function pageOfJobs(deps: Pick<Deps, 'jobs' | 'clock'>, request: JobPageRequest): Promise<Job[]> {
  const page = request.page ?? 1;
  const perPage = request.perPage ?? JOBS_PER_PAGE;
  if (!Number.isInteger(page) || page < 1) throw new CoreError('INVALID_INPUT', 'page must be 1 or more');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_JOBS_PER_PAGE) {
    throw new CoreError('INVALID_INPUT', `per_page must be between 1 and ${MAX_JOBS_PER_PAGE}`);
  }
  const jobs = (await listJobs(deps)).filter((job) => request.typeId === undefined || request.typeId === '' || job.typeId === request.typeId);
  jobs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return jobs.slice((page - 1) * perPage, page * perPage);
}
