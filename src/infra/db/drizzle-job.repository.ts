import { and, asc, eq, gt, gte, inArray, isNull, lte, notInArray, or, sql } from 'drizzle-orm';
import type { JobLogLine } from '../../core/jobs/job-log-types.js';
import type { Job, JobCheckpoint, JobStatus } from '../../core/jobs/job-types.js';
import type { InstanceRegistry, JobRepository } from '../../core/ports.js';
import type { Db } from './database.js';
import { apiInstances, jobLogLines, jobs } from './schema.js';

type JobRow = typeof jobs.$inferSelect;

function toJob({ ownerId: _owner, expiresAt: _expires, checkpoint: _checkpoint, ...row }: JobRow): Job {
  return { ...row, status: row.status as JobStatus };
}

const UNFINISHED: JobStatus[] = ['CREATED', 'RUNNING'];
// The predicate of jobs_unfinished_resource_idx, repeated so ON CONFLICT can name that index.
const HOLDS_RESOURCE = sql`${jobs.status} in ('CREATED', 'RUNNING')`;

export class DrizzleJobRepository implements JobRepository {
  constructor(private readonly db: Db) {}

  private notExpired(now: Date) {
    return or(isNull(jobs.expiresAt), gt(jobs.expiresAt, now));
  }

  private unfinished(uid: string) {
    return and(eq(jobs.uid, uid), inArray(jobs.status, UNFINISHED));
  }

  async insert(job: Job, ownerId: string): Promise<boolean> {
    // Atomic with the check: the unique index decides, in this process or any other on the database.
    const rows = await this.db
      .insert(jobs)
      .values({ ...job, ownerId })
      .onConflictDoNothing({ target: jobs.resource, where: HOLDS_RESOURCE })
      .returning({ uid: jobs.uid });
    return rows.length === 1;
  }

  async findHolder(resource: string): Promise<Job | undefined> {
    const [row] = await this.db.select().from(jobs).where(and(eq(jobs.resource, resource), inArray(jobs.status, UNFINISHED)));
    return row && toJob(row);
  }

  async update(uid: string, patch: Partial<Job>, expiresAt: Date | null): Promise<Job | undefined> {
    const [row] = await this.db.update(jobs).set({ ...patch, expiresAt }).where(this.unfinished(uid)).returning();
    return row && toJob(row);
  }

  async saveCheckpoint(uid: string, checkpoint: JobCheckpoint | null): Promise<void> {
    await this.db.update(jobs).set({ checkpoint }).where(this.unfinished(uid));
  }

  async get(uid: string, now: Date): Promise<Job | undefined> {
    if (!isUuid(uid)) return undefined;
    const [row] = await this.db.select().from(jobs).where(and(eq(jobs.uid, uid), this.notExpired(now)));
    return row && toJob(row);
  }

  async list(now: Date): Promise<Job[]> {
    const rows = await this.db.select().from(jobs).where(this.notExpired(now)).orderBy(jobs.createdAt);
    return rows.map(toJob);
  }

  async remove(uid: string): Promise<boolean> {
    if (!isUuid(uid)) return false;
    const rows = await this.db.delete(jobs).where(eq(jobs.uid, uid)).returning({ uid: jobs.uid });
    return rows.length === 1;
  }

  async failOrphaned(aliveSince: Date, failure: Partial<Job>, expiresAt: Date, typeIds?: readonly string[]): Promise<Job[]> {
    const alive = this.db.select({ id: apiInstances.id }).from(apiInstances).where(gte(apiInstances.heartbeatAt, aliveSince));
    const rows = await this.db
      .update(jobs)
      .set({ ...failure, expiresAt, ...(failure.status === 'ERROR' ? { error: errorOrCheckpoint(failure.error ?? null) } : {}) })
      .where(
        and(
          inArray(jobs.status, UNFINISHED),
          or(isNull(jobs.ownerId), notInArray(jobs.ownerId, alive)),
          typeIds ? inArray(jobs.typeId, [...typeIds]) : undefined,
        ),
      )
      .returning();
    return rows.map(toJob);
  }

  /** Deletes jobs past their expiry (finished more than their lifetime ago). */
  async purgeExpired(now: Date): Promise<void> {
    await this.db.delete(jobs).where(lte(jobs.expiresAt, now));
  }

  async appendLog(uid: string, lines: readonly JobLogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.db.insert(jobLogLines).values(lines.map((line) => ({ jobUid: uid, seq: line.seq, loggedAt: line.timestamp, message: line.message })));
  }

  async readLog(uid: string, afterSeq: number, limit: number): Promise<JobLogLine[]> {
    if (!isUuid(uid) || limit <= 0) return [];
    const rows = await this.db
      .select({ seq: jobLogLines.seq, timestamp: jobLogLines.loggedAt, message: jobLogLines.message })
      .from(jobLogLines)
      .where(and(eq(jobLogLines.jobUid, uid), gt(jobLogLines.seq, afterSeq)))
      .orderBy(asc(jobLogLines.seq))
      .limit(limit);
    return rows;
  }
}

export class DrizzleInstanceRegistry implements InstanceRegistry {
  constructor(private readonly db: Db) {}

  async heartbeat(instanceId: string, now: Date): Promise<void> {
    await this.db
      .insert(apiInstances)
      .values({ id: instanceId, heartbeatAt: now })
      .onConflictDoUpdate({ target: apiInstances.id, set: { heartbeatAt: now } });
  }

  async remove(instanceId: string): Promise<void> {
    await this.db.delete(apiInstances).where(eq(apiInstances.id, instanceId));
  }

  async alive(since: Date): Promise<string[]> {
    const rows = await this.db.select({ id: apiInstances.id }).from(apiInstances).where(gte(apiInstances.heartbeatAt, since));
    return rows.map((row) => row.id);
  }
}

// A job that recorded where its work stands says so rather than the generic failure text.
function errorOrCheckpoint(error: string | null) {
  return sql`coalesce(${jobs.checkpoint} ->> 'interrupted', ${error})`;
}

// The column is a uuid: anything else cannot match, and must not become a database error.
function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
