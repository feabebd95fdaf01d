import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';

// End-to-end over HTTP: jobs queries, testMutation, jobs.removeJob and its root twin (spec §4.6, §5.7, §5.9, §7).

const UNAUTHENTICATED = 'You must be authenticated to access this resource.';
const NAIVE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JOB_FIELDS = 'uid typeId name description status statusText progress createdAt updatedAt finishedAt error result';

interface ApiJob {
  uid: string;
  typeId: string;
  name: string;
  description: string;
  status: string;
  statusText: string | null;
  progress: number | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  error: string | null;
  result: string | null;
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function getJobs(): Promise<ApiJob[]> {
  const res = await gql(server, `{ jobs { getJobs { ${JOB_FIELDS} } } }`, undefined, server.token);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.jobs.getJobs;
}

async function getJob(jobId: string): Promise<ApiJob | null> {
  const res = await gql(
    server,
    `query($id: String!) { jobs { getJob(jobId: $id) { ${JOB_FIELDS} } } }`,
    { id: jobId },
    server.token,
  );
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.jobs.getJob;
}

async function testMutation() {
  const res = await gql(server, 'mutation { testMutation { success code message } }', undefined, server.token);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.testMutation;
}

/** Starts a test job and returns its uid (the one job that was not there before). */
async function startTestJob(): Promise<string> {
  const before = new Set((await getJobs()).map((j) => j.uid));
  expect(await testMutation()).toEqual({ success: true, code: 200, message: 'Test mutation' });
  const added = (await getJobs()).filter((j) => !before.has(j.uid));
  expect(added).toHaveLength(1);
  return added[0]!.uid;
}

async function waitForJob(uid: string, done: (job: ApiJob | null) => boolean, timeoutMs = 10_000): Promise<ApiJob | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(uid);
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${uid} did not reach the expected state: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function removeJob(variant: 'jobs' | 'root', jobId: string) {
  const call = 'removeJob(jobId: $id) { success code message }';
  const query = variant === 'jobs' ? `mutation($id: String!) { jobs { ${call} } }` : `mutation($id: String!) { ${call} }`;
  const res = await gql(server, query, { id: jobId }, server.token);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return variant === 'jobs' ? res.body.data.jobs.removeJob : res.body.data.removeJob;
}

function expectUnauthenticated(res: { status: number; body: { data?: any; errors?: any[] } }, path: string[]) {
  expect(res.status).toBe(200);
  expect(res.body.data).toBeNull();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0]).toMatchObject({ message: UNAUTHENTICATED, path, extensions: { code: 'UNAUTHENTICATED' } });
}

describe('authentication', () => {
  it('every jobs operation needs a token, and nothing happens without one', async () => {
    expectUnauthenticated(await gql(server, '{ jobs { getJobs { uid } } }'), ['jobs']);
    expectUnauthenticated(await gql(server, '{ jobs { getJob(jobId: "x") { uid } } }'), ['jobs']);
    expectUnauthenticated(await gql(server, 'mutation { testMutation { success code message } }'), ['testMutation']);
    expectUnauthenticated(
      await gql(server, 'mutation { jobs { removeJob(jobId: "x") { success code message } } }'),
      ['jobs'],
    );
    expectUnauthenticated(await gql(server, 'mutation { removeJob(jobId: "x") { success code message } }'), ['removeJob']);
    expectUnauthenticated(
      await gql(server, 'mutation { testMutation { success code message } }', undefined, 'Bearer nope'),
      ['testMutation'],
    );
    // The refused testMutation did not start a job.
    expect(await getJobs()).toEqual([]);
  });
});

describe('jobs', () => {
  it('getJobs is empty on a fresh server; getJob of an unknown id is null', async () => {
    expect(await getJobs()).toEqual([]);
    expect(await getJob('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await getJob('not-a-uuid')).toBeNull();
  });

  it('testMutation starts the test job, which runs to FINISHED', async () => {
    const uid = await startTestJob();
    expect(uid).toMatch(UUID_V4);

    const early = (await getJob(uid))!;
    expect(early).toMatchObject({
      uid,
      typeId: 'test',
      name: 'Test job',
      description: 'This is a test job.',
      error: null,
      result: null,
    });
    expect(['CREATED', 'RUNNING', 'FINISHED']).toContain(early.status);
    expect(early.createdAt).toMatch(NAIVE_ISO);
    expect(early.updatedAt).toMatch(NAIVE_ISO);
    // Naive local time: parsed without offset it is "now".
    expect(Math.abs(Date.now() - new Date(early.createdAt).getTime())).toBeLessThan(60_000);

    const finished = (await waitForJob(uid, (j) => j?.status === 'FINISHED'))!;
    expect(finished).toMatchObject({
      uid,
      typeId: 'test',
      name: 'Test job',
      description: 'This is a test job.',
      status: 'FINISHED',
      statusText: 'Job finished.',
      progress: 100,
      error: null,
      result: null,
      createdAt: early.createdAt,
    });
    expect(finished.finishedAt).toMatch(NAIVE_ISO);
    expect(finished.updatedAt).toMatch(NAIVE_ISO);
    expect(new Date(finished.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(finished.createdAt).getTime());

    // getJobs shows the same job.
    expect((await getJobs()).find((j) => j.uid === uid)).toEqual(finished);
  });

  it('a running test job reports progress with its status text', async () => {
    const uid = await startTestJob();
    const running = (await waitForJob(uid, (j) => j?.status === 'RUNNING' || j?.status === 'FINISHED'))!;
    if (running.status === 'RUNNING') {
      expect([5, 10, 15, 20, 25]).toContain(running.progress);
      expect(running.statusText).toBe('Performing pre-move checks...');
      expect(running.finishedAt).toBeNull();
    }
    await waitForJob(uid, (j) => j?.status === 'FINISHED');
  });

  it('jobs.removeJob removes a job; an unknown id gives 404', async () => {
    const uid = await startTestJob();
    await waitForJob(uid, (j) => j?.status === 'FINISHED');
    expect(await removeJob('jobs', uid)).toEqual({ success: true, code: 200, message: 'Job removed' });
    expect(await getJob(uid)).toBeNull();
    expect((await getJobs()).map((j) => j.uid)).not.toContain(uid);
    expect(await removeJob('jobs', uid)).toEqual({ success: false, code: 404, message: 'Job not found' });
    expect(await removeJob('jobs', 'no-such-job')).toEqual({ success: false, code: 404, message: 'Job not found' });
  });

  it('root removeJob behaves the same', async () => {
    const uid = await startTestJob();
    await waitForJob(uid, (j) => j?.status === 'FINISHED');
    expect(await removeJob('root', uid)).toEqual({ success: true, code: 200, message: 'Job removed' });
    expect(await getJob(uid)).toBeNull();
    expect(await removeJob('root', uid)).toEqual({ success: false, code: 404, message: 'Job not found' });
    expect(await removeJob('root', 'no-such-job')).toEqual({ success: false, code: 404, message: 'Job not found' });
  });

  it('removing an unfinished job works, and the job is not recreated by its later updates', async () => {
    const uid = await startTestJob();
    expect(await removeJob('jobs', uid)).toEqual({ success: true, code: 200, message: 'Job removed' });
    // The job's remaining steps take ~250 ms at this time scale; wait well past them.
    await new Promise((r) => setTimeout(r, 600));
    expect(await getJob(uid)).toBeNull();
    expect((await getJobs()).map((j) => j.uid)).not.toContain(uid);
  });

  it('getJobs lists every job', async () => {
    const a = await startTestJob();
    const b = await startTestJob();
    await waitForJob(a, (j) => j?.status === 'FINISHED');
    await waitForJob(b, (j) => j?.status === 'FINISHED');
    const jobs = await getJobs();
    expect(jobs.map((j) => j.uid)).toEqual(expect.arrayContaining([a, b]));
    for (const job of jobs) {
      expect(job.typeId).toBe('test');
      expect(job.createdAt).toMatch(NAIVE_ISO);
    }
  });
});
