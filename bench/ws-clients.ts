import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { serveRequests } from './children.js';

/**
 * Fan-out clients: many WebSockets in this one process, each speaking graphql-transport-ws by hand
 * (connection_init with the token, one jobUpdates subscription). The arrival time of every message is
 * taken first thing in the socket's message event; the messages are parsed only once every client
 * has had one, so parsing does not delay later arrivals.
 */

const QUERY = 'subscription { jobUpdates { uid status progress } }';
// The server holds at most 8 sockets per address (64 in all) between the upgrade and connection_init:
// the clients come from 8 loopback addresses, at most 7 opening at once from each.
const ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
const OPENING_PER_ADDRESS = 7;

interface Client {
  ws: WebSocket;
  closed: boolean;
  /** Arrival times (performance.now()) and bytes of the messages since the round began. */
  times: number[];
  data: Buffer[];
  parsed: number;
  /** Arrival time of the first message listing the round's new job. */
  got?: number;
}

const clients: Client[] = [];
let recording = false;
let lastMessageAt = 0;
let closedCount = 0;

function openOne(url: string, token: string, localAddress: string): Promise<Client | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false, localAddress });
    const client: Client = { ws, closed: false, times: [], data: [], parsed: 0 };
    let acked = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } })));
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      lastMessageAt = at;
      if (acked) {
        if (recording) {
          client.times.push(at);
          client.data.push(data);
        }
        return;
      }
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type !== 'connection_ack') return;
      acked = true;
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
      resolve(client);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (!acked) resolve(err.message);
    });
    ws.on('close', (code) => {
      if (!acked) return resolve(`closed ${code}`);
      client.closed = true;
      closedCount += 1;
    });
  });
}

/** Opens sockets until `total` are subscribed; refusals (429/503 while others are opening) are retried. */
async function openUntil(url: string, token: string, total: number) {
  const started = performance.now();
  let failures = 0;
  const reasons = new Map<string, number>();
  let toOpen = total - clients.length;
  const lane = async (address: string) => {
    while (toOpen > 0) {
      toOpen -= 1;
      let attempt = 0;
      for (;;) {
        const result = await openOne(url, token, address);
        if (typeof result !== 'string') {
          clients.push(result);
          break;
        }
        failures += 1;
        reasons.set(result, (reasons.get(result) ?? 0) + 1);
        if (++attempt > 50) throw new Error(`could not open socket ${clients.length + 1}: ${result}`);
        await sleep(20 * attempt);
      }
    }
  };
  await Promise.all(ADDRESSES.flatMap((a) => Array.from({ length: OPENING_PER_ADDRESS }, () => lane(a))));
  return { open: clients.length, retried: failures, reasons: Object.fromEntries(reasons), ms: Math.round(performance.now() - started) };
}

async function gql(httpUrl: string, token: string, query: string): Promise<any> {
  const res = await fetch(`${httpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown };
  if (!res.ok || body.errors) throw new Error(`${query}: HTTP ${res.status} ${JSON.stringify(body.errors ?? '')}`);
  return body.data;
}

/** Whether a message is a jobUpdates list holding a job not in `known`; its uid if so. */
function newJobIn(data: Buffer, known: Set<string>): string | undefined {
  const message = JSON.parse(data.toString()) as { type: string; payload?: { data?: { jobUpdates?: Array<{ uid: string }> } } };
  if (message.type !== 'next') return undefined;
  return message.payload?.data?.jobUpdates?.find((job) => !known.has(job.uid))?.uid;
}

/**
 * One job update: starts the test job through the API's mutation and waits until every open client has a
 * list holding it. Returns each client's delay from just before the request to that message's arrival.
 */
async function round(httpUrl: string, token: string, timeoutMs: number) {
  const known = new Set<string>(((await gql(httpUrl, token, '{ jobs { getJobs { uid } } }')).jobs.getJobs as Array<{ uid: string }>).map((j) => j.uid));
  for (const c of clients) {
    c.times = [];
    c.data = [];
    c.parsed = 0;
    c.got = undefined;
  }
  recording = true;
  const t0 = performance.now();
  await gql(httpUrl, token, 'mutation { testMutation { success message } }');
  const answeredMs = performance.now() - t0;
  const deadline = t0 + timeoutMs;
  let uid: string | undefined;
  const open = () => clients.filter((c) => !c.closed);
  for (;;) {
    // cheap until every client has had something: no parsing while messages arrive
    const waiting = open().filter((c) => c.times.length === 0).length;
    if (waiting === 0 || performance.now() > deadline) {
      for (const c of open()) {
        while (c.got === undefined && c.parsed < c.data.length) {
          const found = newJobIn(c.data[c.parsed]!, known);
          if (found) {
            uid ??= found;
            c.got = c.times[c.parsed];
          }
          c.parsed += 1;
        }
      }
      if (open().every((c) => c.got !== undefined) || performance.now() > deadline) break;
    }
    await sleep(20);
  }
  recording = false;
  const delays = clients.filter((c) => c.got !== undefined).map((c) => c.got! - t0);
  return { uid, delays, missed: clients.length - delays.length, closed: closedCount, mutationMs: Math.round(answeredMs * 10) / 10 };
}

/** Stops the given jobs (REST /tasks/<id>/stop) and waits until no message has arrived for `quietMs`. */
async function stopJobs(httpUrl: string, token: string, uids: string[], quietMs: number, timeoutMs: number) {
  for (const uid of uids) {
    const res = await fetch(`${httpUrl}/tasks/${encodeURIComponent(uid)}/stop`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
  }
  const deadline = performance.now() + timeoutMs;
  while (performance.now() - lastMessageAt < quietMs && performance.now() < deadline) await sleep(100);
  return {};
}

serveRequests(async (m) => {
  switch (m.type) {
    case 'open':
      return openUntil(m.url as string, m.token as string, m.total as number);
    case 'round':
      return round(m.httpUrl as string, m.token as string, m.timeoutMs as number);
    case 'stopJobs':
      return stopJobs(m.httpUrl as string, m.token as string, m.uids as string[], m.quietMs as number, m.timeoutMs as number);
    case 'close':
      for (const c of clients.splice(0)) c.ws.terminate();
      return {};
    default:
      throw new Error(`unknown request ${String(m.type)}`);
  }
});
