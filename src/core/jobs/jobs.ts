import { randomUUID } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { type Job, type JobUpdate, serializeJob } from './job-types.js';

const FINISHED_JOB_LIFETIME_MS = 10 * 24 * 60 * 60 * 1000;
export const JOB_MESSAGES = {
  notFound: 'Job not found',
  removed: 'Job removed',
  interrupted: 'The API stopped while this job was running; the job was interrupted and will not resume.',
  busy: (name: string, resource: string) => `Another job (${name}) is already working on ${resource}`,
  cancelled: (reason: string) => `Job cancelled: ${reason}`,
  notRunning: 'Job already finished',
} as const;

type JobDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId'>;

export interface NewJob {
  typeId: string;
  name: string;
  description: string;
  /** What the job works on; while it is unfinished, no other job may start on the same resource. */
  resource?: string;
}

// A holder that finishes between our refused insert and the look-up leaves the resource free: try again.
const CREATE_ATTEMPTS = 3;

/**
 * Records a new job in status CREATED, owned by this process. RESOURCE_BUSY when another unfinished
 * job holds its resource (decided by the database, atomically with the insert).
 */
export async function createJob(deps: JobDeps, spec: NewJob): Promise<Job> {
  const { resource, ...fields } = spec;
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const job: Job = {
      uid: randomUUID(),
      ...fields,
      status: 'CREATED',
      statusText: '',
      progress: 0,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      error: null,
      result: null,
      resource: resource ?? null,
    };
    if (await deps.jobs.insert(job, deps.instanceId)) {
      await deps.pubsub.publish('jobs', { uid: job.uid, job: serializeJob(job) });
      return job;
    }
    const holder = await deps.jobs.findHolder(resource!);
    if (holder || attempt >= CREATE_ATTEMPTS) {
      throw new CoreError('RESOURCE_BUSY', JOB_MESSAGES.busy(holder?.name ?? 'unknown', resource!));
    }
  }
}

/**
 * Applies one update with the reference semantics; a removed or finished job stays so (undefined). A finished
 * job is kept `lifetimeMs` (10 days unless the job type says otherwise).
 */
export async function updateJob(deps: JobDeps, uid: string, update: JobUpdate, lifetimeMs = FINISHED_JOB_LIFETIME_MS): Promise<Job | undefined> {
  const now = deps.clock.now();
  const finished = update.status === 'FINISHED' || update.status === 'ERROR';
  const patch: Partial<Job> = {
    status: update.status,
    error: update.error ?? null,
    result: update.result ?? null,
    updatedAt: now,
  };
  if (update.progress !== undefined) patch.progress = update.progress;
  else if (update.status === 'FINISHED') patch.progress = 100;
  if (update.statusText !== undefined) patch.statusText = update.statusText;
  if (update.name !== undefined) patch.name = update.name;
  if (update.description !== undefined) patch.description = update.description;
  if (finished) patch.finishedAt = now;
  const expiresAt = finished ? new Date(now.getTime() + lifetimeMs) : null;
  const job = await deps.jobs.update(uid, patch, expiresAt);
  if (job) await deps.pubsub.publish('jobs', { uid, job: serializeJob(job) });
  return job;
}

export async function listJobs(deps: Pick<Deps, 'jobs' | 'clock'>): Promise<Job[]> {
  return deps.jobs.list(deps.clock.now());
}

export async function getJob(deps: Pick<Deps, 'jobs' | 'clock'>, uid: string): Promise<Job | undefined> {
  return deps.jobs.get(uid, deps.clock.now());
}

/** The job, or JOB_NOT_FOUND. */
export async function requireJob(deps: Pick<Deps, 'jobs' | 'clock'>, uid: string): Promise<Job> {
  const job = await getJob(deps, uid);
  if (!job) throw new CoreError('JOB_NOT_FOUND', JOB_MESSAGES.notFound);
  return job;
}

/** Deletes a job whatever its status. */
export async function removeJob(deps: JobDeps, uid: string): Promise<void> {
  if (!(await deps.jobs.remove(uid))) throw new CoreError('JOB_NOT_FOUND', JOB_MESSAGES.notFound);
  await deps.pubsub.publish('jobs', { uid, job: null });
}

/** Whether any job is running now (CREATED does not count). */
export async function isBusy(deps: Pick<Deps, 'jobs' | 'clock'>): Promise<boolean> {
  return (await listJobs(deps)).some((job) => job.status === 'RUNNING');
}

// A `nixos-rebuild switch` restarts this API, so a rebuild or upgrade job left unfinished by a process
// that is gone is taken as done (the reference's start-up migration does the same).
export const REBUILD_JOB_TYPE_IDS = ['system.nixos.rebuild', 'system.nixos.upgrade'] as const;
export const REBUILT_RESULT = 'System rebuilt.';

/**
 * Settles the unfinished jobs of processes that are gone (this one included, after a restart): rebuild
 * and upgrade jobs become FINISHED `System rebuilt.`, every other job fails as interrupted.
 */
export async function failInterruptedJobs(deps: JobDeps, aliveSince: Date): Promise<Job[]> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + FINISHED_JOB_LIFETIME_MS);
  const settled = { error: null, updatedAt: now, finishedAt: now };
  const rebuilt = await deps.jobs.failOrphaned(
    aliveSince,
    { ...settled, status: 'FINISHED', result: REBUILT_RESULT, progress: 100 },
    expiresAt,
    REBUILD_JOB_TYPE_IDS,
  );
  const failed = await deps.jobs.failOrphaned(
    aliveSince,
    { ...settled, status: 'ERROR', error: JOB_MESSAGES.interrupted, result: null },
    expiresAt,
  );
  const changed = [...rebuilt, ...failed];
  for (const job of changed) await deps.pubsub.publish('jobs', { uid: job.uid, job: serializeJob(job) });
  return changed;
}
