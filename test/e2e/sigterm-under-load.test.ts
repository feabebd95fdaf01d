import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiProcess, freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { frame, upgradeRequest } from '../support/raw-websocket.js';

// Issue 7: SIGTERM while the API is busy. The API runs as its own process, as in production: in-flight
// requests get their answers, WebSocket subscribers get 1001, new connections are refused at once, the
// process exits 0 within its grace period, and the job it cut short is settled at the next start.

const GRACE_MS = 15_000; // src/main.ts: SHUTDOWN_DEADLINE_MS
const IN_FLIGHT = 50;
// Test-job steps of 3 s (15 s in all): the job outlives the 5 s the shutdown gives running work.
const TIME_SCALE = '0.6';
const INTERRUPTED = 'The API stopped while this job was running; the job was interrupted and will not resume.';
const JOBS_QUERY = '{ jobs { getJobs { uid name status progress error } } }';

interface JobRow {
  uid: string;
  name: string;
  status: string;
  progress: number | null;
  error: string | null;
}

const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-sigterm-'));
const running: ApiProcess[] = [];
const clients: Client[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all(running.map((api) => stopApi(api)));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ api: ApiProcess; port: number }> {
  const port = await freePort();
  const api = spawnApi(dataDir, port, { SP_TIME_SCALE: TIME_SCALE });
  running.push(api);
  await untilHealthy(api);
  return { api, port };
}

/** Rejects after `ms` with `what` and the API's output, so a hang fails with a reason. */
function within<T>(promise: Promise<T>, ms: number, what: string, api: ApiProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms; API output:\n${api.output()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface RawAnswer {
  status?: number;
  body: string;
}

interface SlowRequest {
  /** Resolves once the server has read the request's headers: it answered `100 Continue`. */
  accepted: Promise<void>;
  /** Sends the rest of the body. */
  finish(): void;
  /** The final answer, once the server has closed the connection (`Connection: close`). */
  answer: Promise<RawAnswer>;
}

/** A GraphQL POST whose body is sent in two halves: the second one only when `finish()` is called. */
function slowGraphqlRequest(port: number, token: string, query: string): SlowRequest {
  const body = Buffer.from(JSON.stringify({ query }));
  const head =
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
    `Authorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`;
  const half = Math.floor(body.length / 2);
  const socket = connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  let onContinue: () => void = () => {};
  let onFailure: (err: Error) => void = () => {};
  const accepted = new Promise<void>((resolve, reject) => {
    onContinue = resolve;
    onFailure = reject;
  });
  socket.on('connect', () => socket.write(head));
  socket.on('data', (chunk) => {
    chunks.push(chunk);
    if (/^HTTP\/1\.1 100 /.test(Buffer.concat(chunks).toString('latin1'))) {
      onContinue();
      onContinue = () => {};
      // the first half at once, the rest when asked
      socket.write(body.subarray(0, half));
    }
  });
  const answer = new Promise<RawAnswer>((resolve) => {
    socket.on('error', (err) => onFailure(err));
    socket.on('close', () => {
      onFailure(new Error(`closed before 100 Continue: ${Buffer.concat(chunks).toString('utf8')}`));
      resolve(finalAnswer(Buffer.concat(chunks)));
    });
  });
  return { accepted, finish: () => void socket.write(body.subarray(half)), answer };
}

/** The last HTTP answer on a connection (after any `100 Continue`), its body de-chunked. */
function finalAnswer(raw: Buffer): RawAnswer {
  let rest = raw;
  while (/^HTTP\/1\.1 1\d\d /.test(rest.toString('latin1', 0, 16))) rest = rest.subarray(rest.indexOf('\r\n\r\n') + 4);
  const end = rest.indexOf('\r\n\r\n');
  if (end < 0) return { body: rest.toString('utf8') };
  const head = rest.subarray(0, end).toString('latin1');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  let body = rest.subarray(end + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    const parts: Buffer[] = [];
    for (let at = 0; ; ) {
      const line = body.indexOf('\r\n', at);
      const size = Number.parseInt(body.toString('latin1', at, line), 16);
      if (!(size > 0)) break;
      parts.push(body.subarray(line + 2, line + 2 + size));
      at = line + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  return { status, body: body.toString('utf8') };
}

interface SilentSubscriber {
  /** Resolves once the socket is acknowledged and its `jobUpdates` subscription sent. */
  subscribed: Promise<void>;
  /** Resolves with the code of the server's close frame, the moment it arrives (it is never answered). */
  closeFrame: Promise<number>;
}

/**
 * A `jobUpdates` subscriber on a raw socket that never answers the server's close frame, as a client
 * on a stalled network would not: the server waits for it a while, then cuts it off.
 */
function silentSubscriber(port: number, token: string): SilentSubscriber {
  const socket = connect({ port, host: '127.0.0.1' });
  let buffered = Buffer.alloc(0);
  let upgraded = false;
  let onSubscribed: () => void = () => {};
  let onClose: (code: number) => void = () => {};
  const subscribed = new Promise<void>((resolve) => (onSubscribed = resolve));
  const closeFrame = new Promise<number>((resolve) => (onClose = resolve));
  const send = (message: unknown) => socket.write(frame(1, Buffer.from(JSON.stringify(message))));
  socket.on('connect', () => socket.write(upgradeRequest('/graphql')));
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!upgraded) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!/^HTTP\/1\.1 101 /.test(buffered.toString('latin1', 0, 16))) return void socket.destroy();
      upgraded = true;
      buffered = buffered.subarray(end + 4);
      send({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } });
    }
    // server frames are unmasked and small here: opcode, 7- or 16-bit length, payload
    while (buffered.length >= 2) {
      const opcode = buffered[0]! & 0x0f;
      let length = buffered[1]! & 0x7f;
      let start = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        start = 4;
      }
      if (buffered.length < start + length) return;
      const payload = buffered.subarray(start, start + length);
      buffered = buffered.subarray(start + length);
      if (opcode === 8) return onClose(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
      if (opcode === 1 && (JSON.parse(payload.toString('utf8')) as { type?: string }).type === 'connection_ack') {
        send({ id: 'silent', type: 'subscribe', payload: { query: 'subscription { jobUpdates { uid status } }' } });
        onSubscribed();
      }
    }
  });
  return { subscribed, closeFrame };
}

/** How a fresh TCP connection to the port ends: 'connected', or the error code (ECONNREFUSED). */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function getJobs(port: number, token: string): Promise<JobRow[]> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: JOBS_QUERY }),
  });
  const body = (await res.json()) as { data?: { jobs: { getJobs: JobRow[] } }; errors?: unknown };
  expect(res.status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data!.jobs.getJobs;
}

describe('SIGTERM under load', () => {
  it('answers in-flight requests, closes sockets with 1001, refuses new connections, exits 0 in time and leaves the job to be settled', async () => {
    const { api, port } = await start();
    const token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();

    // In flight: the server has read each request's headers and waits for the rest of its body.
    const requests = Array.from({ length: IN_FLIGHT }, () => slowGraphqlRequest(port, token, JOBS_QUERY));
    await within(Promise.all(requests.map((r) => r.accepted)), 30_000, 'the requests were not all accepted', api);

    // A graphql-ws subscriber, and one that never answers a close frame.
    const lists: JobRow[][] = [];
    let closeCode: (code: number) => void = () => {};
    const closed = new Promise<number>((resolve) => (closeCode = resolve));
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${token}` },
      retryAttempts: 0,
      on: { closed: (event) => closeCode((event as { code: number }).code) },
    });
    clients.push(client);
    let jobRunning: (job: JobRow) => void = () => {};
    const firstRunning = new Promise<JobRow>((resolve) => (jobRunning = resolve));
    client.subscribe<{ jobUpdates: JobRow[] }>(
      { query: 'subscription { jobUpdates { uid name status progress error } }' },
      {
        next: ({ data }) => {
          if (!data) return;
          lists.push(data.jobUpdates);
          const job = data.jobUpdates.find((j) => j.name === 'Test job' && j.status === 'RUNNING');
          if (job) jobRunning(job);
        },
        error: () => {},
        complete: () => {},
      },
    );
    const silent = silentSubscriber(port, token);
    await within(silent.subscribed, 30_000, 'the raw subscriber was not acknowledged', api);

    // A running job, seen running through the subscription.
    const started = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { testMutation { success } }' }),
    });
    expect(await started.json()).toEqual({ data: { testMutation: { success: true } } });
    const job = await within(firstRunning, 30_000, 'the job was not reported running', api);

    const signalled = Date.now();
    api.child.kill('SIGTERM');

    // The close frame is written after the listener is closed: a connection made now must be refused.
    expect(await within(silent.closeFrame, 10_000, 'no close frame on the raw subscriber', api)).toBe(1001);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');

    // The in-flight requests send the rest of their bodies only now, and are answered in full.
    for (const request of requests) request.finish();
    const answers = await within(Promise.all(requests.map((r) => r.answer)), GRACE_MS, 'the in-flight requests were not all answered', api);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body) as { data?: { jobs: { getJobs: JobRow[] } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data!.jobs.getJobs.map((j) => j.uid)).toContain(job.uid);
    }

    expect(await within(closed, 10_000, 'the graphql-ws client was not closed', api)).toBe(1001);
    const exit = await within(api.exited, GRACE_MS + 5_000, 'the process did not exit', api);
    const stoppedAfter = Date.now() - signalled;
    expect(exit, api.output()).toEqual({ code: 0, signal: null });
    expect(stoppedAfter).toBeLessThan(GRACE_MS);
    // the job was still running when the shutdown gave up on it
    expect(lists.flat().some((j) => j.uid === job.uid && j.status === 'FINISHED')).toBe(false);

    // The next start on the same DATA_DIR settles the job the shutdown cut short.
    const next = await start();
    const jobs = await getJobs(next.port, token);
    expect(jobs).toEqual([{ uid: job.uid, name: 'Test job', status: 'ERROR', progress: expect.any(Number), error: INTERRUPTED }]);
    await stopApi(next.api);
  }, 180_000);
});
