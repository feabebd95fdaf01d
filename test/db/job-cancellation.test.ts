import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelJob, relayJobCancellations } from '../../src/core/jobs/job-cancellation.js';
import { startJob } from '../../src/core/jobs/job-runner.js';
import { getJob } from '../../src/core/jobs/jobs.js';
import { openPostgres } from '../../src/infra/db/database.js';
import { DrizzleJobRepository } from '../../src/infra/db/drizzle-job.repository.js';
import { PostgresPubSub } from '../../src/infra/pubsub/postgres.pubsub.js';
import { InProcessBackgroundWork } from '../../src/infra/runtime/background-work.js';
import { FixedClock, silentLogger } from '../fakes/fake-deps.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

/** What one API process has for jobs: its own connection, LISTEN/NOTIFY and background work. */
async function openProcess(url: string, instanceId: string) {
  const database = await openPostgres(url);
  const pubsub = new PostgresPubSub(database.sql!, database.db, silentLogger);
  await pubsub.start();
  const deps = {
    clock: new FixedClock(new Date('2026-05-01T12:00:00Z')),
    logger: silentLogger,
    pubsub,
    jobs: new DrizzleJobRepository(database.db),
    background: new InProcessBackgroundWork(silentLogger),
    instanceId,
  };
  return { database, deps, close: async () => (await pubsub.close(), await database.close()) };
}

describe.runIf(TEST_DATABASE_URL)('cancelling a job run by another process on one PostgreSQL', () => {
  let drop: () => Promise<void>;
  let owner: Awaited<ReturnType<typeof openProcess>>;
  let other: Awaited<ReturnType<typeof openProcess>>;

  beforeAll(async () => {
    const target = await createTestDatabase();
    drop = target.drop;
    owner = await openProcess(target.url, 'owner');
    other = await openProcess(target.url, 'other');
  }, 60_000);

  afterAll(async () => {
    await owner?.close();
    await other?.close();
    await drop?.();
  });

  it('reaches the owning process through pub/sub: its body aborts and the job ends as cancelled', async () => {
    void relayJobCancellations(owner.deps);
    let aborted = false;
    const job = await startJob(owner.deps, { typeId: 'test', name: 'Test job', description: 'd', resource: 'system' }, async (report, running) => {
      await report({ progress: 10, statusText: 'working' });
      await new Promise((_, reject) => {
        const stop = () => ((aborted = true), reject(running.signal.reason));
        if (running.signal.aborted) stop();
        running.signal.addEventListener('abort', stop, { once: true });
      });
    });
    while ((await getJob(other.deps, job.uid))?.status !== 'RUNNING') await new Promise((r) => setTimeout(r, 20));

    await cancelJob(other.deps, job.uid, 'stopped from another process');
    await owner.deps.background.drain(10_000);

    expect(aborted).toBe(true);
    expect(await getJob(other.deps, job.uid)).toMatchObject({ status: 'ERROR', error: 'Job cancelled: stopped from another process' });
  });
});
