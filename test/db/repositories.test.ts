import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeviceToken, deleteDeviceToken, authenticate, refreshDeviceToken } from '../../src/core/auth/device-tokens.js';
import { authorizeWithNewDeviceKey, generateNewDeviceKey } from '../../src/core/auth/new-device-key.js';
import { generateRecoveryKey, getRecoveryKeyStatus, useRecoveryKey } from '../../src/core/auth/recovery-key.js';
import { createJob, failInterruptedJobs, listJobs, removeJob, updateJob } from '../../src/core/jobs/jobs.js';
import type { Deps } from '../../src/core/ports.js';
import type { Database } from '../../src/infra/db/database.js';
import { DrizzleAuthKeyRepository } from '../../src/infra/db/drizzle-auth-key.repository.js';
import { DrizzleInstanceRegistry, DrizzleJobRepository } from '../../src/infra/db/drizzle-job.repository.js';
import { DrizzleTokenRepository } from '../../src/infra/db/drizzle-token.repository.js';
import { deviceTokens } from '../../src/infra/db/schema.js';
import { InMemoryPubSub } from '../../src/infra/pubsub/in-memory.pubsub.js';
import { JobListFeed } from '../../src/core/jobs/job-list-feed.js';
import { SharedJobLogFeed } from '../../src/core/jobs/job-log-feed.js';
import { MemoryAttemptLimiter } from '../../src/infra/runtime/attempt-limiter.js';
import { InProcessBackgroundWork } from '../../src/infra/runtime/background-work.js';
import { FixedClock, idleMachinePorts, silentLogger } from '../fakes/fake-deps.js';
import { BACKENDS } from './backends.js';

describe.each(BACKENDS)('persistence on $name', (backend) => {
  let database: Database & { dispose(): Promise<void> };
  let deps: Deps;
  let clock: FixedClock;

  beforeEach(async () => {
    database = await backend.open();
    clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
    const pubsub = new InMemoryPubSub();
    const jobs = new DrizzleJobRepository(database.db);
    deps = {
      clock,
      logger: silentLogger,
      pubsub,
      tokens: new DrizzleTokenRepository(database.db),
      authKeys: new DrizzleAuthKeyRepository(database.db),
      jobs,
      instances: new DrizzleInstanceRegistry(database.db),
      attempts: new MemoryAttemptLimiter(1000, 60),
      database: { ping: async () => {} },
      background: new InProcessBackgroundWork(silentLogger),
      ...(await idleMachinePorts()),
      instanceId: 'instance-a',
      jobFeed: new JobListFeed({ jobs, clock, pubsub, logger: silentLogger }),
      jobLogFeed: new SharedJobLogFeed({ pubsub, logger: silentLogger }),
    };
  });
  afterEach(async () => {
    await database.dispose();
  });

  it('stores device tokens only as SHA-256 digests and finds them by the token', async () => {
    const { token } = await createDeviceToken(deps, 'laptop');

    const rows = await database.db.select().from(deviceTokens);

    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await authenticate(deps, token))?.device.name).toBe('laptop');
  });

  it('keeps names unique under concurrent creation by appending digits', async () => {
    const created = await Promise.all(Array.from({ length: 8 }, () => createDeviceToken(deps, 'phone')));

    const names = created.map((c) => c.name);
    expect(new Set(names).size).toBe(8);
    expect(names).toContain('phone');
    for (const name of names) expect(name).toMatch(/^phone\d*$/);
  });

  it('refresh replaces the hash and keeps name and creation date; delete removes by name', async () => {
    const { token } = await createDeviceToken(deps, 'tablet');
    const other = await createDeviceToken(deps, 'desk');
    clock.advance(60_000);

    const fresh = await refreshDeviceToken(deps, token);

    expect(await authenticate(deps, token)).toBeUndefined();
    const caller = await authenticate(deps, fresh);
    expect(caller?.device).toEqual({ name: 'tablet', createdAt: new Date('2026-05-01T12:00:00Z') });
    await deleteDeviceToken(deps, caller!, 'desk');
    expect(await authenticate(deps, other.token)).toBeUndefined();
  });

  it('spends a recovery key with limited uses at most that often, even concurrently', async () => {
    const phrase = await generateRecoveryKey(deps, { uses: 2 });

    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => useRecoveryKey(deps, { phrase, deviceName: `d${i}`, clientKey: 'x' })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(await getRecoveryKeyStatus(deps)).toMatchObject({ exists: true, valid: false, usesLeft: 0 });
  });

  it('consumes a new-device key exactly once, even concurrently', async () => {
    const phrase = await generateNewDeviceKey(deps);

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => authorizeWithNewDeviceKey(deps, { phrase, deviceName: `n${i}`, clientKey: 'x' })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('updates, lists, expires and removes jobs', async () => {
    const job = await createJob(deps, { typeId: 'test', name: 'Test job', description: 'd' });
    await updateJob(deps, job.uid, { status: 'RUNNING', progress: 40, statusText: 'half', result: 'x' });
    const finished = await updateJob(deps, job.uid, { status: 'FINISHED' });

    expect(finished).toMatchObject({ status: 'FINISHED', progress: 100, statusText: 'half', result: null, error: null });
    expect(finished!.finishedAt).toEqual(clock.now());
    clock.advance(11 * 24 * 3600_000);
    expect(await listJobs(deps)).toEqual([]);
    await expect(removeJob(deps, job.uid)).resolves.toBeUndefined();
    await expect(removeJob(deps, job.uid)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect(await updateJob(deps, job.uid, { status: 'RUNNING' })).toBeUndefined();
  });

  it('fails the unfinished jobs of dead processes but not those of live ones', async () => {
    await deps.instances.heartbeat('instance-a', clock.now());
    await deps.instances.heartbeat('instance-b', new Date(clock.now().getTime() - 120_000));
    const mine = await createJob(deps, { typeId: 'a', name: 'a', description: '' });
    const theirs = await createJob({ ...deps, instanceId: 'instance-b' }, { typeId: 'b', name: 'b', description: '' });

    const failed = await failInterruptedJobs(deps, new Date(clock.now().getTime() - 30_000));

    expect(failed.map((j) => j.uid)).toEqual([theirs.uid]);
    const byId = Object.fromEntries((await listJobs(deps)).map((j) => [j.uid, j]));
    expect(byId[mine.uid]!.status).toBe('CREATED');
    expect(byId[theirs.uid]).toMatchObject({ status: 'ERROR', finishedAt: clock.now() });
    expect(byId[theirs.uid]!.error).toMatch(/interrupted/);
  });
});
