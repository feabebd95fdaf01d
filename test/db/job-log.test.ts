import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SharedJobLogFeed } from '../../src/core/jobs/job-log-feed.js';
import { type JobLogEvent, followJobLog, readJobLog } from '../../src/core/jobs/job-log.js';
import { startJob } from '../../src/core/jobs/job-runner.js';
import { removeJob } from '../../src/core/jobs/jobs.js';
import { openPostgres } from '../../src/infra/db/database.js';
import { DrizzleJobRepository } from '../../src/infra/db/drizzle-job.repository.js';
import { InMemoryPubSub } from '../../src/infra/pubsub/in-memory.pubsub.js';
import { PostgresPubSub } from '../../src/infra/pubsub/postgres.pubsub.js';
import { InProcessBackgroundWork } from '../../src/infra/runtime/background-work.js';
import { FixedClock, silentLogger } from '../fakes/fake-deps.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { BACKENDS } from './backends.js';

const SPEC = { typeId: 'test', name: 'Test job', description: 'd' };

async function events(iterator: AsyncIterator<JobLogEvent>): Promise<string[]> {
  const seen: string[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    seen.push(next.value.kind === 'line' ? next.value.line.message : `END ${next.value.end.status}`);
  }
  return seen;
}

describe.each(BACKENDS)('job logs on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.open>>;
  let deps: ReturnType<typeof depsOn>;
  const depsOn = (db: typeof database.db) => {
    const pubsub = new InMemoryPubSub();
    return {
      clock: new FixedClock(new Date('2026-05-01T12:00:00Z')),
      logger: silentLogger,
      pubsub,
      jobs: new DrizzleJobRepository(db),
      background: new InProcessBackgroundWork(silentLogger),
      instanceId: 'instance-a',
      jobLogFeed: new SharedJobLogFeed({ pubsub, logger: silentLogger }),
    };
  };

  beforeEach(async () => {
    database = await backend.open();
    deps = depsOn(database.db);
  });
  afterEach(async () => {
    await database.dispose();
  });

  it('stores a job log in order with its timestamps, reads it after a cursor, and removes it with the job', async () => {
    const job = await startJob(deps, SPEC, async (report, running) => {
      await report({ progress: 50, statusText: 'Copying' });
      for (let n = 1; n <= 450; n++) running.log(`copied file ${n}`);
    });
    await deps.background.drain();

    const all = await readJobLog(deps, job.uid, null, 1000);
    const page = await readJobLog(deps, job.uid, '449', 2);

    expect(all).toHaveLength(452);
    expect(all.map((line) => line.seq)).toEqual(Array.from({ length: 452 }, (_, i) => i + 1));
    expect(all[0]).toEqual({ seq: 1, timestamp: new Date('2026-05-01T12:00:00Z'), message: 'Copying' });
    expect(all.at(-1)!.message).toBe('Finished.');
    expect(page.map((line) => line.message)).toEqual(['copied file 449', 'copied file 450']);
    await removeJob(deps, job.uid);
    expect(await deps.jobs.readLog(job.uid, 0, 1000)).toEqual([]);
  });
});

/** One API process's job machinery: its own connection, LISTEN/NOTIFY, background work and log feed. */
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
    jobLogFeed: new SharedJobLogFeed({ pubsub, logger: silentLogger }),
  };
  return { deps, close: async () => (await pubsub.close(), await database.close()) };
}

describe.runIf(TEST_DATABASE_URL)('a job log followed from another process on one PostgreSQL', () => {
  let drop: () => Promise<void>;
  let runner: Awaited<ReturnType<typeof openProcess>>;
  let reader: Awaited<ReturnType<typeof openProcess>>;

  beforeAll(async () => {
    const target = await createTestDatabase();
    drop = target.drop;
    runner = await openProcess(target.url, 'runner');
    reader = await openProcess(target.url, 'reader');
  }, 60_000);

  afterAll(async () => {
    await runner?.close();
    await reader?.close();
    await drop?.();
  });

  it('receives the lines the running process writes, live and in order, then the end', async () => {
    let go!: () => void;
    const started = new Promise<void>((resolve) => (go = resolve));
    const job = await startJob(runner.deps, SPEC, async (report, running) => {
      running.log('before anyone follows');
      await started;
      for (let n = 1; n <= 300; n++) {
        running.log(`step ${n}`);
        if (n % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const followed = events(await followJobLog(reader.deps, job.uid));
    go();

    expect(await followed).toEqual(['before anyone follows', ...Array.from({ length: 300 }, (_, i) => `step ${i + 1}`), 'Finished.', 'END FINISHED']);
  });
});
