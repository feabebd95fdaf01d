import { describe, expect, it } from 'vitest';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { InProcessBackgroundWork } from '../../infra/runtime/background-work.js';
import { JobCancelled, cancelJob, relayJobCancellations, shutdownCancellation } from './job-cancellation.js';
import { type JobWork, startJob } from './job-runner.js';
import type { Job } from './job-types.js';

const SPEC = { typeId: 'test', name: 'Test job', description: 'd' };

/** A logger that keeps what it was told, to check that failures are reported. */
function recordingLogger() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

/** A body that reports once, then waits until its signal aborts and rethrows the reason. */
const waitForAbort: JobWork = async (report, job) => {
  await report({ progress: 10, statusText: 'working' });
  await new Promise((_, reject) => {
    if (job.signal.aborted) reject(job.signal.reason);
    job.signal.addEventListener('abort', () => reject(job.signal.reason), { once: true });
  });
};

async function settled(ports: ReturnType<typeof jobPorts>, uid: string): Promise<Job> {
  await ports.background.drain();
  return (await ports.jobs.get(uid))!;
}

async function running(ports: ReturnType<typeof jobPorts>, uid: string): Promise<void> {
  while ((await ports.jobs.get(uid))?.status !== 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('startJob on a resource', () => {
  it('refuses a second job on a busy resource with RESOURCE_BUSY naming the running job, and allows it once that one ends', async () => {
    const ports = jobPorts();
    let finish!: () => void;
    const first = await startJob(ports, { ...SPEC, name: 'Rebuild system', resource: 'system' }, () => new Promise<void>((r) => (finish = r)));

    const second = startJob(ports, { ...SPEC, resource: 'system' }, async () => {});

    await expect(second).rejects.toMatchObject({ code: 'RESOURCE_BUSY', status: 409, message: 'Another job (Rebuild system) is already working on system' });
    expect([...ports.jobs.rows.keys()]).toEqual([first.uid]);
    await expect(startJob(ports, { ...SPEC, resource: 'service:nextcloud' }, async () => {})).resolves.toMatchObject({ resource: 'service:nextcloud' });
    finish();
    await ports.background.drain();
    await expect(startJob(ports, { ...SPEC, resource: 'system' }, async () => {})).resolves.toMatchObject({ status: 'CREATED' });
  });
});

describe('progress reports', () => {
  it('retries a failing progress write, logs it and lets the job finish instead of failing it', async () => {
    const ports = jobPorts();
    const { lines, logger } = recordingLogger();
    const update = ports.jobs.update.bind(ports.jobs);
    let failures = 0;
    ports.jobs.update = async (uid, patch) => {
      if (patch.status === 'RUNNING' && failures++ < 5) throw new Error('connection reset');
      return update(uid, patch);
    };

    const job = await startJob({ ...ports, logger }, SPEC, async (report) => {
      await report({ progress: 10, statusText: 'first' });
      await report({ progress: 20, statusText: 'second' });
      return { result: 'done' };
    });

    expect(await settled(ports, job.uid)).toMatchObject({ status: 'FINISHED', result: 'done', progress: 100, statusText: 'second' });
    expect(failures).toBe(6);
    expect(lines.filter((l) => l.msg === 'job progress not recorded').map((l) => [l.level, l.fields?.attempt])).toEqual([
      ['warn', 1], ['warn', 2], ['error', 3], ['warn', 1], ['warn', 2],
    ]);
  });

  it('retries the final write harder than progress until it lands', async () => {
    const ports = jobPorts();
    const update = ports.jobs.update.bind(ports.jobs);
    let failures = 0;
    ports.jobs.update = async (uid, patch) => {
      if (patch.status === 'FINISHED' && failures++ < 5) throw new Error('connection reset');
      return update(uid, patch);
    };

    const job = await startJob(ports, SPEC, async () => ({ result: 'done' }));

    expect(await settled(ports, job.uid)).toMatchObject({ status: 'FINISHED', result: 'done' });
  });

  it('never reopens a finished job: a late report changes nothing', async () => {
    const ports = jobPorts();
    let late!: () => Promise<void>;

    const job = await startJob(ports, SPEC, async (report) => {
      late = () => report({ progress: 50, statusText: 'late' });
      return { result: 'done' };
    });
    await settled(ports, job.uid);
    await late();

    expect(await ports.jobs.get(job.uid)).toMatchObject({ status: 'FINISHED', progress: 100, result: 'done', statusText: '' });
  });
});

describe('cancelJob', () => {
  it('aborts the body and ends the job as ERROR with the reason', async () => {
    const ports = jobPorts();
    const job = await startJob(ports, SPEC, waitForAbort);
    await running(ports, job.uid);

    await cancelJob(ports, job.uid, 'asked by the user');

    expect(await settled(ports, job.uid)).toMatchObject({ status: 'ERROR', error: 'Job cancelled: asked by the user' });
  });

  it('reaches a job run by another process through pub/sub', async () => {
    const owner = jobPorts();
    const other = { ...owner, background: new InProcessBackgroundWork(owner.logger) };
    void relayJobCancellations(owner);
    const job = await startJob(owner, SPEC, waitForAbort);
    await running(owner, job.uid);

    await cancelJob(other, job.uid, 'from elsewhere');

    expect(await settled(owner, job.uid)).toMatchObject({ status: 'ERROR', error: 'Job cancelled: from elsewhere' });
  });

  it('refuses unknown and finished jobs', async () => {
    const ports = jobPorts();
    const job = await startJob(ports, SPEC, async () => {});
    await settled(ports, job.uid);

    await expect(cancelJob(ports, job.uid, 'x')).rejects.toMatchObject({ code: 'JOB_NOT_RUNNING', message: 'Job already finished' });
    await expect(cancelJob(ports, 'nope', 'x')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });

  it('leaves a job stopped by shutdown unfinished, for the next start to settle', async () => {
    const ports = jobPorts();
    const job = await startJob(ports, SPEC, waitForAbort);
    await running(ports, job.uid);

    ports.background.cancelAll(shutdownCancellation());

    expect(await settled(ports, job.uid)).toMatchObject({ status: 'RUNNING', error: null });
    expect(shutdownCancellation()).toBeInstanceOf(JobCancelled);
  });
});
