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
