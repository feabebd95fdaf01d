import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';

// A job that was running when the API stopped is marked failed at the next start (the job
// runs in the API process and cannot resume).

const JOB_FIELDS = 'uid typeId name status statusText progress createdAt updatedAt finishedAt error result';
const NAIVE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-restart-'));
let server: TestServer | undefined;

afterAll(async () => {
  await server?.close();
});

async function getJobs(s: TestServer) {
  const res = await gql(s, `{ jobs { getJobs { ${JOB_FIELDS} } } }`, undefined, s.token);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.jobs.getJobs as Array<Record<string, any>>;
}

describe('restart', () => {
  it('marks a job interrupted by a restart as ERROR', async () => {
    // Each test-job step now lasts 500 s: the job stays RUNNING for as long as this test cares.
    server = await startTestServer({ dataDir, timeScale: 100 });
    const firstToken = server.token;
    const started = await gql(server, 'mutation { testMutation { success code message } }', undefined, firstToken);
    expect(started.body.data.testMutation).toEqual({ success: true, code: 200, message: 'Test mutation' });

    let running: Record<string, any> | undefined;
    const deadline = Date.now() + 10_000;
    while (!running) {
      running = (await getJobs(server)).find((j) => j.status === 'RUNNING');
      if (!running && Date.now() > deadline) throw new Error('the test job never ran');
      if (!running) await new Promise((r) => setTimeout(r, 20));
    }
    expect(running).toMatchObject({ typeId: 'test', progress: 5, finishedAt: null, error: null });

    // Stops the server; close() gives background work at most 5 s, then gives up on the job.
    await server.close();
    server = undefined;

    // Same data directory: the token store (and the initial-token file) survive.
    server = await startTestServer({ dataDir });
    expect(server.token).toBe(firstToken);

    const jobs = await getJobs(server);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.uid).toBe(running.uid);
    expect(job.typeId).toBe('test');
    expect(job.status).toBe('ERROR');
    expect(typeof job.error).toBe('string');
    expect(job.error.trim()).not.toBe('');
    expect(job.finishedAt).toMatch(NAIVE_ISO);
    expect(job.result).toBeNull();
    expect(new Date(job.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(running.updatedAt).getTime());
    // getJob agrees.
    const one = await gql(
      server,
      `query($id: String!) { jobs { getJob(jobId: $id) { ${JOB_FIELDS} } } }`,
      { id: job.uid },
      server.token,
    );
    expect(one.body.data.jobs.getJob).toEqual(job);

    // It stays failed: nothing resumes it.
    await new Promise((r) => setTimeout(r, 200));
    expect((await getJobs(server))[0]).toEqual(job);
  }, 60_000);
});
