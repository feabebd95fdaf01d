export const JOB_STATUSES = ['CREATED', 'RUNNING', 'FINISHED', 'ERROR'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  uid: string;
  typeId: string;
  name: string;
  description: string;
  status: JobStatus;
  statusText: string | null;
  progress: number | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  result: string | null;
  /** What the job works on (`service:<id>`, `storage`, `system`); one unfinished job per resource. */
  resource: string | null;
}

/**
 * Where a job's work stands, recorded while it runs (inside a critical section especially): if the
 * process dies, the next start settles the job with `interrupted` instead of a bare "interrupted".
 */
export interface JobCheckpoint {
  /** The exact state things were left in, in words (which step, where the data is, what is stopped). */
  interrupted: string;
  /** The same state for programs. */
  details: Record<string, unknown>;
}

/** One progress report. `error` and `result` are replaced on every update (reset when omitted). */
export interface JobUpdate {
  status: JobStatus;
  progress?: number;
  statusText?: string;
  error?: string | null;
  result?: string | null;
  name?: string;
  description?: string;
}

/** A job as it travels between processes (dates as ISO strings). */
export type SerializedJob = Omit<Job, 'createdAt' | 'updatedAt' | 'finishedAt'> & {
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

/** What changed: the job's new state, or null when it was removed. */
export interface JobChange {
  uid: string;
  job: SerializedJob | null;
}

export function serializeJob(job: Job): SerializedJob {
  return {
    ...job,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
  };
}

export function deserializeJob(job: SerializedJob): Job {
  return {
    ...job,
    createdAt: new Date(job.createdAt),
    updatedAt: new Date(job.updatedAt),
    finishedAt: job.finishedAt ? new Date(job.finishedAt) : null,
  };
}
