import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';

// End-to-end over WebSocket (graphql-transport-ws): authentication of the socket, `count`, `jobUpdates`
// (spec §1.2, §1.4, §6, §7).

const JOB_FIELDS = 'uid typeId name description status statusText progress createdAt updatedAt finishedAt error result';
const NAIVE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

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
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function client(options: { url?: string; connectionParams?: Record<string, unknown>; webSocketImpl?: unknown } = {}): Client {
  const c = createClient({
    url: options.url ?? server.wsUrl,
    webSocketImpl: options.webSocketImpl ?? WebSocket,
    connectionParams: options.connectionParams ?? {},
    retryAttempts: 0,
    lazy: true,
  });
  clients.push(c);
  return c;
}

const bearer = () => ({ Authorization: `Bearer ${server.token}` });

/** A `ws` class that sends the given headers on the upgrade request. */
function withUpgradeHeaders(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

/** Collects every value of a subscription until it completes (or fails). */
async function collect<T>(c: Client, query: string): Promise<T[]> {
  const values: T[] = [];
  for await (const result of c.iterate<T>({ query })) {
    expect(result.errors).toBeUndefined();
    values.push(result.data as T);
  }
  return values;
}

/** Opens a raw graphql-transport-ws socket, sends connection_init and resolves with the close code. */
function rawCloseCode(url: string, init: unknown, headers: Record<string, string> = {}): Promise<{ code: number; messages: unknown[] }> {
  return new Promise((resolve, reject) => {
    const messages: unknown[] = [];
    const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('socket was not closed'));
    }, 20_000);
    ws.on('open', () => ws.send(JSON.stringify(init)));
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, messages });
    });
    ws.on('error', reject);
  });
}

describe('socket authentication', () => {
  it('a socket without a token is closed with 4403 and never acknowledged', async () => {
    const { code, messages } = await rawCloseCode(server.wsUrl, { type: 'connection_init', payload: {} });
    expect(code).toBe(4403);
    expect(messages).toEqual([]);
  });

  it('a connection_init without payload is closed with 4403', async () => {
    const { code } = await rawCloseCode(server.wsUrl, { type: 'connection_init' });
    expect(code).toBe(4403);
  });

  it('an unknown token is closed with 4403', async () => {
    const { code } = await rawCloseCode(server.wsUrl, {
      type: 'connection_init',
      payload: { Authorization: 'Bearer not-a-token' },
    });
    expect(code).toBe(4403);
  });

  it('an invalid upgrade Authorization header is refused with 401 before a socket exists', async () => {
    await expect(
      rawCloseCode(server.wsUrl, { type: 'connection_init', payload: bearer() }, { Authorization: 'Bearer not-a-token' }),
    ).rejects.toThrow('Unexpected server response: 401');
  });

  it('the graphql-ws client sees the 4403 refusal as an error', async () => {
    const c = client();
    await expect(collect<{ count: number }>(c, 'subscription { count }')).rejects.toMatchObject({ code: 4403 });
  });

  it('with a token in connection_init the server answers exactly connection_ack, and pong to ping', async () => {
    const ws = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const messages: unknown[] = [];
    const next = () =>
      new Promise<unknown>((resolve) => {
        ws.once('message', (data) => {
          const message = JSON.parse(data.toString());
          messages.push(message);
          resolve(message);
        });
      });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: bearer() }));
    expect(await next()).toEqual({ type: 'connection_ack' });
    ws.send(JSON.stringify({ type: 'ping' }));
    expect(await next()).toEqual({ type: 'pong' });
    ws.close(1000);
    await new Promise((resolve) => ws.once('close', resolve));
  });
});

describe('count', () => {
  it('yields 0..9 then completes (token in connection_init payload)', async () => {
    const values = await collect<{ count: number }>(client({ connectionParams: bearer() }), 'subscription { count }');
    expect(values.map((v) => v.count)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('accepts a bare token in connection_init', async () => {
    const values = await collect<{ count: number }>(
      client({ connectionParams: { Authorization: server.token } }),
      'subscription { count }',
    );
    expect(values.map((v) => v.count)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('accepts the token as ?token= on the URL', async () => {
    const url = `${server.wsUrl}?token=${encodeURIComponent(`Bearer ${server.token}`)}`;
    const values = await collect<{ count: number }>(client({ url }), 'subscription { count }');
    expect(values.map((v) => v.count)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('accepts the token in the upgrade request Authorization header', async () => {
    const webSocketImpl = withUpgradeHeaders({ Authorization: `Bearer ${server.token}` });
    const values = await collect<{ count: number }>(client({ webSocketImpl }), 'subscription { count }');
    expect(values.map((v) => v.count)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('jobUpdates', () => {
  async function runTestJob(): Promise<void> {
    const res = await gql(server, 'mutation { testMutation { success code message } }', undefined, server.token);
    expect(res.body.data.testMutation).toEqual({ success: true, code: 200, message: 'Test mutation' });
  }

  async function getJobs(): Promise<ApiJob[]> {
    const res = await gql(server, `{ jobs { getJobs { ${JOB_FIELDS} } } }`, undefined, server.token);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.jobs.getJobs;
  }

  async function waitAllFinished(): Promise<ApiJob[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const jobs = await getJobs();
      if (jobs.every((j) => j.status === 'FINISHED')) return jobs;
      if (Date.now() > deadline) throw new Error(`jobs did not finish: ${JSON.stringify(jobs)}`);
      await sleep(20);
    }
  }

  /**
   * Subscribes to jobUpdates and makes sure the subscription is live before returning: the
   * protocol has no acknowledgement, so wait for a later subscription on the same socket to answer.
   */
  async function subscribeJobUpdates(c: Client) {
    const events: ApiJob[][] = [];
    const errors: unknown[] = [];
    const unsubscribe = c.subscribe<{ jobUpdates: ApiJob[] }>(
      { query: `subscription { jobUpdates { ${JOB_FIELDS} } }` },
      {
        next: (result) => {
          if (result.errors) errors.push(result.errors);
          else events.push(result.data!.jobUpdates);
        },
        error: (err) => errors.push(err),
        complete: () => {},
      },
    );
    const probe = c.iterate<{ count: number }>({ query: 'subscription { count }' });
    await probe.next();
    await probe.return?.();
    await sleep(100);
    return { events, errors, unsubscribe };
  }

  it('sends the complete job list on every change of the test job', async () => {
    // One finished job exists before: every event must list it too.
    await runTestJob();
    const [earlier] = await waitAllFinished();
    expect(earlier).toBeDefined();

    const c = client({ connectionParams: bearer() });
    const { events, errors, unsubscribe } = await subscribeJobUpdates(c);
    expect(events).toEqual([]); // no initial event

    await runTestJob();
    const deadline = Date.now() + 10_000;
    const isFinal = (list: ApiJob[]) => list.some((j) => j.uid !== earlier!.uid && j.status === 'FINISHED');
    while (!events.some(isFinal)) {
      if (Date.now() > deadline) throw new Error(`no FINISHED event: ${JSON.stringify(events)}`);
      await sleep(10);
    }
    unsubscribe();
    expect(errors).toEqual([]);

    const uids = new Set(events.flatMap((list) => list.map((j) => j.uid)));
    expect(uids.size).toBe(2);
    const newUid = [...uids].find((u) => u !== earlier!.uid)!;

    for (const list of events) {
      expect(Array.isArray(list)).toBe(true);
      expect(list).toHaveLength(2);
      expect(list.find((j) => j.uid === earlier!.uid)).toEqual(earlier);
      for (const job of list) {
        expect(Object.keys(job).sort()).toEqual(JOB_FIELDS.split(' ').sort());
        expect(job.typeId).toBe('test');
        expect(job.name).toBe('Test job');
        expect(job.description).toBe('This is a test job.');
        expect(job.createdAt).toMatch(NAIVE_ISO);
        expect(job.updatedAt).toMatch(NAIVE_ISO);
      }
    }

    const states = events.map((list) => list.find((j) => j.uid === newUid)!);
    const sequence = states
      .map((j) => `${j.status}:${j.progress}`)
      .filter((s, i, all) => i === 0 || s !== all[i - 1]);
    expect(sequence).toEqual([
      'CREATED:0',
      'RUNNING:5',
      'RUNNING:10',
      'RUNNING:15',
      'RUNNING:20',
      'RUNNING:25',
      'FINISHED:100',
    ]);
    for (const state of states.filter((j) => j.status === 'RUNNING')) {
      expect(state.statusText).toBe('Performing pre-move checks...');
      expect(state.finishedAt).toBeNull();
    }
    const last = states.at(-1)!;
    expect(last).toMatchObject({ status: 'FINISHED', progress: 100, statusText: 'Job finished.', error: null, result: null });
    expect(last.finishedAt).toMatch(NAIVE_ISO);
    // The last event agrees with what the HTTP API reports afterwards.
    expect((await getJobs()).find((j) => j.uid === newUid)).toEqual(last);
  });

  it('a removed job disappears from the next list', async () => {
    const [someJob] = await waitAllFinished();
    expect(someJob).toBeDefined();
    const before = await getJobs();
    const c = client({ connectionParams: bearer() });
    const { events, errors, unsubscribe } = await subscribeJobUpdates(c);

    const res = await gql(
      server,
      'mutation($id: String!) { jobs { removeJob(jobId: $id) { success code message } } }',
      { id: someJob!.uid },
      server.token,
    );
    expect(res.body.data.jobs.removeJob).toEqual({ success: true, code: 200, message: 'Job removed' });
    const deadline = Date.now() + 20_000;
    while (events.length === 0) {
      if (Date.now() > deadline) throw new Error('no event after removeJob');
      await sleep(10);
    }
    unsubscribe();
    expect(errors).toEqual([]);
    expect(events[0]!.map((j) => j.uid).sort()).toEqual(
      before.filter((j) => j.uid !== someJob!.uid).map((j) => j.uid).sort(),
    );
  });

  it('jobUpdates with the token as ?token= on the URL delivers events too', async () => {
    const url = `${server.wsUrl}?token=${encodeURIComponent(server.token)}`;
    const c = client({ url });
    const { events, errors, unsubscribe } = await subscribeJobUpdates(c);
    await runTestJob();
    const deadline = Date.now() + 10_000;
    while (!events.some((list) => list.some((j) => j.status === 'RUNNING'))) {
      if (Date.now() > deadline) throw new Error(`no RUNNING event: ${JSON.stringify(events)}`);
      await sleep(10);
    }
    unsubscribe();
    expect(errors).toEqual([]);
    await waitAllFinished();
  });
});
