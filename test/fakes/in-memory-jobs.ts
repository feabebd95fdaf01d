import type { JobLogLine } from '../../src/core/jobs/job-log-types.js';
import type { Job, JobCheckpoint } from '../../src/core/jobs/job-types.js';
import type { JobRepository } from '../../src/core/ports.js';
import { InMemoryPubSub } from '../../src/infra/pubsub/in-memory.pubsub.js';
import { InProcessBackgroundWork } from '../../src/infra/runtime/background-work.js';
import { FixedClock, silentLogger } from './fake-deps.js';

/**
 * Jobs in a map, for core tests that start jobs: one unfinished job per resource, finished jobs are
 * not reopened, checkpoints are kept (ownership and expiry are not modelled).
 */
export class InMemoryJobRepository implements JobRepository {
  readonly rows = new Map<string, Job>();
  readonly checkpoints = new Map<string, JobCheckpoint | null>();
  readonly logs = new Map<string, JobLogLine[]>();
  async insert(job: Job) {
    // Checked and inserted in one step, as the database's unique index does.
    if (job.resource && this.holder(job.resource)) return false;
    this.rows.set(job.uid, { ...job });
    return true;
  }
  async findHolder(resource: string) {
    const row = this.holder(resource);
    return row && { ...row };
  }
  private holder(resource: string) {
    return [...this.rows.values()].find((job) => job.resource === resource && !isFinished(job));
  }
  async update(uid: string, patch: Partial<Job>) {
    const row = this.rows.get(uid);
    if (!row || isFinished(row)) return undefined;
    Object.assign(row, patch);
    return { ...row };
  }
  async saveCheckpoint(uid: string, checkpoint: JobCheckpoint | null) {
    const row = this.rows.get(uid);
    if (row && !isFinished(row)) this.checkpoints.set(uid, checkpoint);
  }
  async get(uid: string) {
    const row = this.rows.get(uid);
    return row && { ...row };
  }
  async list() {
    return [...this.rows.values()].map((row) => ({ ...row }));
  }
  async remove(uid: string) {
    this.logs.delete(uid);
    return this.rows.delete(uid);
  }
  async failOrphaned(): Promise<Job[]> {
    return [];
  }
  async purgeExpired() {}
  async appendLog(uid: string, lines: readonly JobLogLine[]) {
    if (!this.rows.has(uid)) throw new Error(`no job ${uid}`);
    this.logs.set(uid, [...(this.logs.get(uid) ?? []), ...lines.map((line) => ({ ...line }))]);
  }
  async readLog(uid: string, afterSeq: number, limit: number) {
    return (this.logs.get(uid) ?? []).filter((line) => line.seq > afterSeq).slice(0, limit);
  }
}

const isFinished = (job: Job) => job.status === 'FINISHED' || job.status === 'ERROR';

/** What a job-starting use case needs besides the host and documents: jobs, clock, pub/sub, background work. */
export function jobPorts(clock = new FixedClock(new Date('2026-05-01T12:00:00Z'))) {
  return {
    clock,
    logger: silentLogger,
    pubsub: new InMemoryPubSub(),
    jobs: new InMemoryJobRepository(),
    background: new InProcessBackgroundWork(silentLogger),
    instanceId: 'test-instance',
  };
}
