import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB_MESSAGES, createJob, failInterruptedJobs, listJobs, updateJob } from '../../src/core/jobs/jobs.js';
import type { Deps } from '../../src/core/ports.js';
import type { Database } from '../../src/infra/db/database.js';
import { DrizzleInstanceRegistry, DrizzleJobRepository } from '../../src/infra/db/drizzle-job.repository.js';
import { InMemoryPubSub } from '../../src/infra/pubsub/in-memory.pubsub.js';
import { FixedClock } from '../fakes/fake-deps.js';
import { BACKENDS } from './backends.js';

type JobDeps = Pick<Deps, 'jobs' | 'clock' | 'pubsub' | 'instanceId' | 'instances'>;

describe.each(BACKENDS)('interrupted jobs at start-up on $name', (backend) => {
  let database: Database & { dispose(): Promise<void> };
  let clock: FixedClock;
  let before: JobDeps;
  let after: JobDeps;

  beforeEach(async () => {
    database = await backend.open();
    clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
    const common = {
      clock,
      pubsub: new InMemoryPubSub(),
      jobs: new DrizzleJobRepository(database.db),
      instances: new DrizzleInstanceRegistry(database.db),
    };
    before = { ...common, instanceId: 'old-process' };
    after = { ...common, instanceId: 'new-process' };
  });

  afterEach(async () => {
    await database.dispose();
  });

  it('finishes rebuild and upgrade jobs as rebuilt and fails every other unfinished job', async () => {
    const rebuild = await createJob(before, { typeId: 'system.nixos.rebuild', name: 'Rebuild system', description: 'd' });
    const upgrade = await createJob(before, { typeId: 'system.nixos.upgrade', name: 'Upgrade system', description: 'd' });
    await updateJob(before, upgrade.uid, { status: 'RUNNING', progress: 0, statusText: 'activating the configuration...' });
    const garbage = await createJob(before, { typeId: 'maintenance.collect_nix_garbage', name: 'Collect garbage', description: 'd' });
    const done = await createJob(before, { typeId: 'system.nixos.rebuild', name: 'Rebuild system', description: 'd' });
    await updateJob(before, done.uid, { status: 'ERROR', error: 'System rebuild failed. Last log lines:\nx' });
    clock.advance(60_000);
    await after.instances.heartbeat('new-process', clock.now());

    const settled = await failInterruptedJobs(after, new Date(clock.now().getTime() - 1));

    expect(settled.map((j) => j.uid).sort()).toEqual([rebuild.uid, upgrade.uid, garbage.uid].sort());
    const byId = Object.fromEntries((await listJobs(after)).map((j) => [j.uid, j]));
    for (const uid of [rebuild.uid, upgrade.uid]) {
      expect(byId[uid]).toMatchObject({ status: 'FINISHED', result: 'System rebuilt.', progress: 100, error: null, finishedAt: clock.now() });
    }
    expect(byId[upgrade.uid]!.statusText).toBe('activating the configuration...');
    expect(byId[garbage.uid]).toMatchObject({ status: 'ERROR', error: JOB_MESSAGES.interrupted, result: null });
    expect(byId[done.uid]).toMatchObject({ status: 'ERROR', error: 'System rebuild failed. Last log lines:\nx' });
  });

  it('leaves the rebuild job of a live process running', async () => {
    await after.instances.heartbeat('old-process', clock.now());
    const rebuild = await createJob(before, { typeId: 'system.nixos.rebuild', name: 'Rebuild system', description: 'd' });

    const settled = await failInterruptedJobs(after, new Date(clock.now().getTime() - 30_000));

    expect(settled).toEqual([]);
    expect((await listJobs(after)).find((j) => j.uid === rebuild.uid)!.status).toBe('CREATED');
  });
});
