import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobCheckpoint } from '../../src/core/jobs/job-types.js';
import { JOB_MESSAGES, createJob, failInterruptedJobs, getJob, updateJob } from '../../src/core/jobs/jobs.js';
import type { Deps } from '../../src/core/ports.js';
import { type Database, openPostgres } from '../../src/infra/db/database.js';
import { DrizzleJobRepository } from '../../src/infra/db/drizzle-job.repository.js';
import { InMemoryPubSub } from '../../src/infra/pubsub/in-memory.pubsub.js';
import { FixedClock } from '../fakes/fake-deps.js';
import { BACKENDS } from './backends.js';

type JobDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId'>;

const MOVE = { typeId: 'services.nextcloud.move', name: 'Move Nextcloud', description: 'd', resource: 'service:nextcloud' };

describe.each(BACKENDS)('job resources, updates and checkpoints on $name', (backend) => {
  let database: Database & { url?: string; dispose(): Promise<void> };
  let second: Database | undefined;
  let clock: FixedClock;
  let deps: JobDeps;
  /** Another process on the same database: its own connection on PostgreSQL, the same one on PGlite. */
  let other: JobDeps;

  beforeEach(async () => {
    database = await backend.open();
    second = database.url ? await openPostgres(database.url) : undefined;
    clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
    deps = { clock, pubsub: new InMemoryPubSub(), jobs: new DrizzleJobRepository(database.db), instanceId: 'process-a' };
    other = { ...deps, jobs: new DrizzleJobRepository((second ?? database).db), instanceId: 'process-b' };
  });

  afterEach(async () => {
    await second?.close();
    await database.dispose();
  });

  it('lets exactly one of many concurrent jobs from two processes take a resource, and frees it when that job ends', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => createJob(i % 2 ? other : deps, MOVE)));

    const started = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const err of refused) {
      expect(err).toMatchObject({ code: 'RESOURCE_BUSY', status: 409, message: 'Another job (Move Nextcloud) is already working on service:nextcloud' });
    }
    await expect(createJob(other, { ...MOVE, resource: 'service:gitea' })).resolves.toMatchObject({ resource: 'service:gitea' });
    await expect(createJob(other, { ...MOVE, resource: undefined })).resolves.toMatchObject({ resource: null });
    await updateJob(deps, started[0]!.value.uid, { status: 'ERROR', error: 'x' });
    await expect(createJob(other, MOVE)).resolves.toMatchObject({ status: 'CREATED', resource: 'service:nextcloud' });
  });

  it('never reopens a finished job: a late RUNNING update changes nothing', async () => {
    const job = await createJob(deps, MOVE);
    await updateJob(deps, job.uid, { status: 'FINISHED', result: 'Nextcloud moved successfully.' });

    const late = await updateJob(other, job.uid, { status: 'RUNNING', progress: 40, statusText: 'Moving data to new volume...' });

    expect(late).toBeUndefined();
    expect(await getJob(deps, job.uid)).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Nextcloud moved successfully.', statusText: '' });
    await expect(createJob(deps, MOVE)).resolves.toMatchObject({ status: 'CREATED' });
  });

  it('settles an interrupted job with its checkpoint, and one without with the generic text', async () => {
    const checkpoint: JobCheckpoint = { interrupted: 'Interrupted while moving Nextcloud from sdb to sda1 (moving data): ...', details: { step: 'moving' } };
    const move = await createJob(deps, MOVE);
    await deps.jobs.saveCheckpoint(move.uid, checkpoint);
    const plain = await createJob(deps, { ...MOVE, resource: 'service:gitea' });
    const finished = await createJob(deps, { ...MOVE, resource: 'service:bitwarden' });
    await updateJob(deps, finished.uid, { status: 'FINISHED' });
    await deps.jobs.saveCheckpoint(finished.uid, checkpoint);

    await failInterruptedJobs({ ...deps, instanceId: 'next-start' }, clock.now());

    expect(await getJob(deps, move.uid)).toMatchObject({ status: 'ERROR', error: checkpoint.interrupted });
    expect(await getJob(deps, plain.uid)).toMatchObject({ status: 'ERROR', error: JOB_MESSAGES.interrupted });
    expect(await getJob(deps, finished.uid)).toMatchObject({ status: 'FINISHED', error: null });
  });
});
