import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../test/fakes/fake-deps.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { cancelJob } from './job-cancellation.js';
import { startTestJob } from './test-job.js';

/** A clock whose waits never end by themselves: only an abort can end them. */
class StalledClock extends FixedClock {
  override sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((_, reject) => {
      if (signal?.aborted) reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

describe('the demonstration job', () => {
  it('ends as soon as it is stopped, in the middle of a step wait', async () => {
    const ports = jobPorts(new StalledClock(new Date('2026-05-01T12:00:00Z')));
    const job = await startTestJob(ports);
    while ((await ports.jobs.get(job.uid))?.status !== 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 1));

    await cancelJob(ports, job.uid, 'stopped through the API');
    await ports.background.drain(5_000);

    expect(await ports.jobs.get(job.uid)).toMatchObject({ status: 'ERROR', error: 'Job cancelled: stopped through the API', progress: 5 });
  });
});
