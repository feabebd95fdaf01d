import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';

// End-to-end over HTTP and WebSocket: ApiJob.logLines and Subscription.jobLog.

let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer({ timeScale: 0.1 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

const DEMO_LOG = [
  'Performing pre-move checks...',
  'Step 1 of 5: 5%',
  'Step 2 of 5: 10%',
  'Step 3 of 5: 15%',
  'Step 4 of 5: 20%',
  'Step 5 of 5: 25%',
  'Finished: Job finished.',
];

function client(): Client {
  const c = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${server.token}` }, retryAttempts: 0, lazy: true });
  clients.push(c);
  return c;
}

async function startDemoJob(): Promise<string> {
  await gql(server, 'mutation { testMutation { success } }', undefined, server.token);
  const res = await gql(server, '{ jobs { getJobs { uid createdAt } } }', undefined, server.token);
  return res.body.data.jobs.getJobs.at(-1).uid;
}

async function jobStatus(uid: string): Promise<string> {
  const res = await gql(server, 'query($id: String!) { jobs { getJob(jobId: $id) { status } } }', { id: uid }, server.token);
  return res.body.data.jobs.getJob.status;
}

interface Line {
  cursor: string;
  timestamp: string;
  message: string;
}

/** Subscribes to jobLog; `lines` fills as lines come, `done` settles on complete (or error). */
function subscribeJobLog(jobId: string, after?: string) {
  const lines: Line[] = [];
  const errors: unknown[] = [];
  let onLine = () => {};
  const done = new Promise<void>((resolve) => {
    client().subscribe<{ jobLog: Line }>(
      { query: 'subscription($id: String!, $after: String) { jobLog(jobId: $id, after: $after) { cursor timestamp message } }', variables: { id: jobId, after } },
      {
        next: (m) => {
          if (m.errors) errors.push(...m.errors);
          if (m.data) lines.push(m.data.jobLog);
          onLine();
        },
        error: (e) => (errors.push(e), resolve()),
        complete: () => resolve(),
      },
    );
  });
  const firstLine = new Promise<void>((resolve) => (onLine = resolve));
  return { lines, errors, done, firstLine };
}

describe('ApiJob.logLines', () => {
  it('reads a job log from the first line, after a cursor, and at most limit lines', async () => {
    const uid = await startDemoJob();
    while ((await jobStatus(uid)) !== 'FINISHED') await new Promise((r) => setTimeout(r, 50));

    const query = 'query($id: String!, $after: String, $limit: Int) { jobs { getJob(jobId: $id) { logLines(after: $after, limit: $limit) { cursor timestamp message } } } }';
    const all = await gql(server, query, { id: uid }, server.token);
    const page = await gql(server, query, { id: uid, after: '2', limit: 2 }, server.token);
    const bad = await gql(server, query, { id: uid, after: 'x' }, server.token);

    const lines: Line[] = all.body.data.jobs.getJob.logLines;
    expect(lines.map((l) => l.message)).toEqual(DEMO_LOG);
    expect(lines.map((l) => l.cursor)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(lines.every((l) => !Number.isNaN(Date.parse(l.timestamp)))).toBe(true);
    expect(page.body.data.jobs.getJob.logLines.map((l: Line) => l.message)).toEqual(['Step 2 of 5: 10%', 'Step 3 of 5: 15%']);
    expect(bad.body.errors?.[0]).toMatchObject({ message: 'Invalid log cursor', extensions: { code: 'INVALID_INPUT' } });
  });
});

describe('Subscription.jobLog', () => {
  it('replays, follows the running job and completes when it ends; a second subscriber resumes after a cursor', async () => {
    const uid = await startDemoJob();

    const live = subscribeJobLog(uid);
    await live.firstLine;
    const runningAtFirstLine = await jobStatus(uid);
    const resumed = subscribeJobLog(uid, '3');
    await Promise.all([live.done, resumed.done]);

    expect(runningAtFirstLine).toMatch(/CREATED|RUNNING/);
    expect(live.errors).toEqual([]);
    expect(live.lines.map((l) => l.message)).toEqual(DEMO_LOG);
    expect(live.lines.map((l) => l.cursor)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(resumed.lines.map((l) => l.message)).toEqual(DEMO_LOG.slice(3));
    expect(await jobStatus(uid)).toBe('FINISHED');
  });

  it('replays a finished job and completes at once', async () => {
    const uid = await startDemoJob();
    while ((await jobStatus(uid)) !== 'FINISHED') await new Promise((r) => setTimeout(r, 50));

    const sub = subscribeJobLog(uid, '5');
    await sub.done;

    expect(sub.lines.map((l) => l.message)).toEqual(DEMO_LOG.slice(5));
  });

  it('answers an unknown job id with a GraphQL error', async () => {
    const sub = subscribeJobLog('00000000-0000-4000-8000-000000000000');
    await sub.done;

    expect(sub.lines).toEqual([]);
    expect(sub.errors).toMatchObject([{ message: 'Job not found', extensions: { code: 'JOB_NOT_FOUND' } }]);
  });
});
