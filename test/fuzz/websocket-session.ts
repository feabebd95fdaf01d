import WebSocket from 'ws';
import type { SeededRandom } from '../support/seeded-random.js';

// A graphql-transport-ws client session through the ws library, and what the server made of it.

export interface ClientOutcome {
  kind: string;
  description: string;
  /** The upgrade answer's status (101 when upgraded). */
  status?: number;
  /** Everything the server said: HTTP body, messages, close reason. */
  body: string;
  closeCode?: number;
  timedOut: boolean;
  /** Messages (or raw frames) this client sent after the upgrade. */
  messages: number;
}

export interface ClientContext {
  rng: SeededRandom;
  port: number;
  token: string;
}

export const PROTOCOL = 'graphql-transport-ws';
export const init = (token: string) => JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } });

/** Runs `script` on a ws-library socket once open; waits up to `waitMs` for the server to close it, then closes it. */
export async function session(
  ctx: ClientContext,
  options: { protocol?: string | string[]; headers?: Record<string, string>; query?: string },
  script: (ws: WebSocket, received: string[]) => Promise<number>,
  waitMs: number,
): Promise<Omit<ClientOutcome, 'kind' | 'description'>> {
  const ws = new WebSocket(`ws://127.0.0.1:${ctx.port}/graphql${options.query ?? ''}`, options.protocol ?? PROTOCOL, {
    headers: options.headers,
    maxPayload: 64 * 1024 * 1024,
  });
  const received: string[] = [];
  let messages = 0;
  let clientClosed = false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      clientClosed = true;
      ws.terminate();
    }, waitMs + 15_000);
    const finish = (outcome: Omit<ClientOutcome, 'kind' | 'description' | 'messages' | 'timedOut'>, timedOut = false) => {
      clearTimeout(timer);
      resolve({ ...outcome, messages, timedOut });
    };
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => finish({ status: res.statusCode, body }));
      res.on('error', () => finish({ status: res.statusCode, body }));
    });
    ws.on('message', (data) => received.push(String(data)));
    ws.on('error', () => {});
    ws.on('open', () => {
      script(ws, received).then(
        async (sent) => {
          messages = sent;
          const closed = await new Promise<boolean>((r) => {
            if (ws.readyState === WebSocket.CLOSED) return r(true);
            const t = setTimeout(() => r(false), waitMs);
            ws.once('close', () => {
              clearTimeout(t);
              r(true);
            });
          });
          if (!closed) {
            clientClosed = true;
            ws.close(1000);
          }
        },
        () => ws.terminate(),
      );
    });
    ws.on('close', (code, reason) => {
      finish({ status: 101, body: [...received, reason.toString()].join('\n'), closeCode: clientClosed ? undefined : code });
    });
  });
}

export const send = (ws: WebSocket, data: string | Buffer, binary = false) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary });
};

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function acknowledged(ws: WebSocket, received: string[], timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && ws.readyState === WebSocket.OPEN) {
    if (received.some((m) => m.includes('"connection_ack"'))) return true;
    await pause(10);
  }
  return false;
}

export type Client = (ctx: ClientContext) => Promise<Omit<ClientOutcome, 'kind'>>;
