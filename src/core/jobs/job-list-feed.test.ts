import { describe, expect, it } from 'vitest';
import { FixedClock, silentLogger } from '../../../test/fakes/fake-deps.js';
import { InMemoryJobRepository } from '../../../test/fakes/in-memory-jobs.js';
import { InMemoryPubSub } from '../../infra/pubsub/in-memory.pubsub.js';
import { JobListFeed } from './job-list-feed.js';
import { type Job, serializeJob } from './job-types.js';
import { watchJobs } from './job-updates.js';

const at = new Date('2026-05-01T12:00:00Z');

function runningJob(progress: number): Job {
  return {
    uid: 'job-1', typeId: 'test', name: 'Test job', description: 'd', status: 'RUNNING', statusText: null, progress,
    createdAt: at, updatedAt: at, finishedAt: null, error: null, result: null, resource: null,
  };
}

/** A feed over an in-memory job table whose `list` calls are counted. */
function makeFeed() {
  const jobs = new InMemoryJobRepository();
  let listCalls = 0;
  const list = jobs.list.bind(jobs);
  jobs.list = async () => {
    listCalls += 1;
    return list();
  };
  const pubsub = new InMemoryPubSub();
  const deps = { jobs, pubsub, clock: new FixedClock(at), logger: silentLogger };
  const jobFeed = new JobListFeed(deps);
  return { jobs, pubsub, jobFeed, listCalls: () => listCalls, publishProgress: (p: number) => pubsub.publish('jobs', { uid: 'job-1', job: serializeJob(runningJob(p)) }) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await settle();
}

describe('JobListFeed', () => {
  it('runs one job-list query per change for all its subscribers', async () => {
    const feed = makeFeed();
    await feed.jobs.insert(runningJob(0));
    const readers = Array.from({ length: 50 }, () => watchJobs(feed));
    const lastSeen = readers.map(() => -1);
    const reading = readers.map(async (reader, i) => {
      for await (const list of reader) lastSeen[i] = list[0]!.progress!;
    });

    for (let p = 1; p <= 20; p++) await feed.publishProgress(p);
    await until(() => lastSeen.every((p) => p === 20));

    expect(lastSeen.every((p) => p === 20)).toBe(true);
    expect(feed.listCalls()).toBe(20);
    await Promise.all(readers.map((r) => r.return?.()));
    await Promise.all(reading);
  });

  it('hands a subscriber that stopped reading only the newest list when it resumes', async () => {
    const feed = makeFeed();
    await feed.jobs.insert(runningJob(0));
    const slow = watchJobs(feed);
    const fast = watchJobs(feed);
    const fastSeen: number[] = [];
    void (async () => {
      for await (const list of fast) fastSeen.push(list[0]!.progress!);
    })();

    for (let p = 1; p <= 100; p++) await feed.publishProgress(p);
    await until(() => fastSeen.at(-1) === 100);

    expect((await slow.next()).value).toEqual([runningJob(100)]);
    const nothingElse = await Promise.race([slow.next().then(() => 'more'), settle().then(() => 'nothing')]);
    expect(nothingElse).toBe('nothing');
    await slow.return?.();
    await fast.return?.();
  });

  it('stops listening when the last subscriber leaves, and starts again for a new one', async () => {
    const feed = makeFeed();
    await feed.jobs.insert(runningJob(0));
    const first = watchJobs(feed);
    await first.return?.();

    await feed.publishProgress(1);
    await settle();
    expect(feed.listCalls()).toBe(0);

    const second = watchJobs(feed);
    await feed.publishProgress(2);
    expect((await second.next()).value).toEqual([runningJob(2)]);
    await second.return?.();
  });
});
