import { z } from 'zod';
import { wasCancelled } from '../../core/jobs/job-cancellation.js';
import type { Job } from '../../core/jobs/job-types.js';

/** A job as a Cloudron-style task. */
export const taskSchema = z.object({
  id: z.string().describe("The job's uid"),
  type: z.string().describe("The job's type id, e.g. system.nixos.rebuild"),
  name: z.string(),
  description: z.string(),
  status: z.enum(['CREATED', 'RUNNING', 'FINISHED', 'ERROR']),
  percent: z.number().int(),
  message: z.string().describe('What the job is doing (its status text)'),
  error: z
    .object({ message: z.string(), code: z.enum(['stopped', 'crashed']) })
    .nullable()
    .describe('Why the job failed: `stopped` when it was cancelled'),
  active: z.boolean().describe('Whether the job has yet to end'),
  success: z.boolean(),
  result: z.string().nullable(),
  creationTime: z.number().int().describe('Milliseconds since the epoch (UTC)'),
  ts: z.number().int().describe('Last change, milliseconds since the epoch (UTC)'),
});

export type Task = z.infer<typeof taskSchema>;

export function toTask(job: Job): Task {
  const failed = job.status === 'ERROR';
  return {
    id: job.uid,
    type: job.typeId,
    name: job.name,
    description: job.description,
    status: job.status,
    percent: job.progress ?? 0,
    message: job.statusText ?? '',
    error: failed ? { message: job.error ?? job.statusText ?? '', code: wasCancelled(job) ? 'stopped' : 'crashed' } : null,
    active: job.status === 'CREATED' || job.status === 'RUNNING',
    success: job.status === 'FINISHED',
    result: job.result,
    creationTime: job.createdAt.getTime(),
    ts: job.updatedAt.getTime(),
  };
}
