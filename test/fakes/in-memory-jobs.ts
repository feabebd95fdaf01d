import type { Job } from '../../src/core/jobs/job-types.js';
import type { JobRepository } from '../../src/core/ports.js';
import { InMemoryPubSub } from '../../src/infra/pubsub/in-memory.pubsub.js';
import { InProcessBackgroundWork } from '../../src/infra/runtime/background-work.js';
import { FixedClock, silentLogger } from './fake-deps.js';

/** Jobs in a map, for core tests that start jobs (ownership and expiry are not modelled). */
export class InMemoryJobRepository implements JobRepository {
  readonly rows = new Map<string, Job>();
  async insert(job: Job) {
    this.rows.set(job.uid, { ...job });
  }
  async update(uid: string, patch: Partial<Job>) {
    const row = this.rows.get(uid);
    if (!row) return undefined;
    Object.assign(row, patch);
    return { ...row };
  }
  async get(uid: string) {
    const row = this.rows.get(uid);
    return row && { ...row };
  }
  async list() {
    return [...this.rows.values()].map((row) => ({ ...row }));
  }
  async remove(uid: string) {
    return this.rows.delete(uid);
  }
  async failOrphaned(): Promise<Job[]> {
    return [];
  }
  async purgeExpired() {}
}

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
