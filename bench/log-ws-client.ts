import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { serveRequests } from './children.js';
import { LineTally } from './line-tally.js';

/**
 * One `logEntries` subscriber over WebSocket (graphql-transport-ws by hand), counting the numbered
 * journal lines it receives; each message's arrival time is taken first thing in its message event.
 */

let tally: LineTally | undefined;
let socket: WebSocket | undefined;
const problems: string[] = [];

function subscribe(url: string, token: string, unit: string, lines: number): Promise<void> {
  tally = new LineTally(lines);
  const query = `subscription { logEntries(filterByUnit: ${JSON.stringify(unit)}) { cursor message } }`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    socket = ws;
    let acked = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } })));
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      const text = data.toString();
      if (acked) {
        if (text.includes('"type":"next"')) tally!.add(text, at);
        else problems.push(text.slice(0, 300));
        return;
      }
      if ((JSON.parse(text) as { type: string }).type !== 'connection_ack') return;
      acked = true;
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      resolve();
    });
    ws.on('error', (err) => (acked ? problems.push(err.message) : reject(err)));
    ws.on('close', (code, reason) => {
      if (!acked) reject(new Error(`closed ${code}`));
      else problems.push(`socket closed ${code} ${reason.toString()}`);
    });
  });
}

/** Waits until every line arrived, or none arrived for `idleMs`, or `timeoutMs` passed. */
async function collect(idleMs: number, timeoutMs: number) {
  const t = tally!;
  const deadline = performance.now() + timeoutMs;
  while (!t.complete && performance.now() < deadline && performance.now() - t.lastArrival < idleMs) await sleep(50);
  socket?.terminate();
  return { ...t.summary(), timedOut: !t.complete && performance.now() >= deadline, problems: problems.slice(0, 5) };
}

serveRequests(async (m) => {
  if (m.type === 'subscribe') return subscribe(m.url as string, m.token as string, m.unit as string, m.lines as number);
  if (m.type === 'collect') return collect(m.idleMs as number, m.timeoutMs as number);
  throw new Error(`unknown request ${String(m.type)}`);
});
