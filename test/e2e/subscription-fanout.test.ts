import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../src/core/jobs/job-runner.js';
import { startTestJob } from '../../src/core/jobs/test-job.js';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { type WsSession, openAuthenticatedWs } from '../support/ws-session.js';

// Many sockets subscribed with the same document: one job change reaches each of them under its own
// subscription id with the same payload, and the selection runs once for all of them, not once each.

let server: TestServer;
const sessions: WsSession[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  for (const session of sessions) session.ws.terminate();
  await server?.close();
});

const JOBS = 'subscription { jobUpdates { uid name status progress logLines(limit: 2) { cursor message } } }';
const NAMES = 'subscription Names { jobUpdates { name } }';

async function subscribed(count: number, query: string, idOf: (i: number) => string): Promise<WsSession[]> {
  const opened: WsSession[] = [];
  for (let i = 0; i < count; i += 8) {
    const batch = await Promise.all(Array.from({ length: Math.min(8, count - i) }, () => openAuthenticatedWs(server.wsUrl, server.token)));
    opened.push(...batch);
  }
  sessions.push(...opened);
  opened.forEach((session, i) => session.send({ id: idOf(i), type: 'subscribe', payload: { query } }));
  return opened;
}

describe('jobUpdates with many subscribers', () => {
  it('delivers one change to every socket under its own id with the same payload, running the selection once', async () => {
    const same = await subscribed(60, JOBS, (i) => `sub-${i}`);
    const other = await subscribed(3, NAMES, () => '1');
    await new Promise((resolve) => setTimeout(resolve, 300)); // every subscription registered
    const jobs = server.runtime.deps.jobs;
    const readLog = jobs.readLog.bind(jobs);
    let logReads = 0;
    jobs.readLog = (...args) => {
      logReads += 1;
      return readLog(...args);
    };

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    try {
      // a job that changes once (created), then waits
      const job = await startJob(server.runtime.deps, { typeId: 'test.quiet', name: 'Test job', description: 'Waits' }, () => released);
      const firsts = await Promise.all(same.map((session, i) => session.waitFor((m) => m.id === `sub-${i}` && m.type === 'next')));
      const otherFirsts = await Promise.all(other.map((session) => session.waitFor((m) => m.id === '1' && m.type === 'next')));

      expect(new Set(firsts.map((m) => JSON.stringify(m.payload))).size).toBe(1);
      expect(firsts[0].payload.data.jobUpdates).toContainEqual(expect.objectContaining({ uid: job.uid, name: 'Test job' }));
      expect(firsts[0].payload.errors).toBeUndefined();
      expect(Object.keys(firsts[0])).toEqual(['id', 'type', 'payload']);
      for (const message of otherFirsts) expect(message).toEqual({ id: '1', type: 'next', payload: { data: { jobUpdates: expect.arrayContaining([{ name: 'Test job' }]) } } });
      // one log read per listed job for the 60 sockets together, not 60 times that
      expect(logReads).toBe(firsts[0].payload.data.jobUpdates.length);
    } finally {
      jobs.readLog = readLog;
      release();
    }
  }, 60_000);

  it('completes one socket\u2019s subscription without touching the others sharing its document', async () => {
    const [first, second] = await subscribed(2, JOBS, () => 'same-id');
    await new Promise((resolve) => setTimeout(resolve, 200));
    first!.send({ id: 'same-id', type: 'complete' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const deliveredBefore = first!.messages.length;

    const job = await startTestJob(server.runtime.deps);
    const next = await second!.waitFor((m) => m.id === 'same-id' && m.type === 'next' && m.payload.data.jobUpdates.some((j: { uid: string }) => j.uid === job.uid));
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(next.payload.data.jobUpdates.length).toBeGreaterThan(0);
    expect(first!.messages.length).toBe(deliveredBefore);
    expect(first!.ws.readyState).toBe(first!.ws.OPEN);
  }, 30_000);
});
