import { and, eq, gt, gte, inArray, isNull, lte, notInArray, or } from 'drizzle-orm';
import type { Job, JobStatus } from '../../core/jobs/job-types.js';
import type { InstanceRegistry, JobRepository } from '../../core/ports.js';
import type { Db } from './database.js';
import { apiInstances, jobs } from './schema.js';

type JobRow = typeof jobs.$inferSelect;

function toJob({ ownerId: _owner, expiresAt: _expires, ...row }: JobRow): Job {
  return { ...row, status: row.status as JobStatus };
}

const UNFINISHED: JobStatus[] = ['CREATED', 'RUNNING'];

export class DrizzleJobRepository implements JobRepository {
  constructor(private readonly db: Db) {}

  private notExpired(now: Date) {
    return or(isNull(jobs.expiresAt), gt(jobs.expiresAt, now));
  }

  async insert(job: Job, ownerId: string): Promise<void> {
    await this.db.insert(jobs).values({ ...job, ownerId });
  }

  async update(uid: string, patch: Partial<Job>, expiresAt: Date | null): Promise<Job | undefined> {
    const [row] = await this.db.update(jobs).set({ ...patch, expiresAt }).where(eq(jobs.uid, uid)).returning();
    return row && toJob(row);
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
      .set({ ...failure, expiresAt })
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
}

// The column is a uuid: anything else cannot match, and must not become a database error.
function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
