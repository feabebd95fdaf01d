import WebSocket from 'ws';

/** A raw graphql-transport-ws socket that records every message and how it closed. */
export interface WsSession {
  ws: WebSocket;
  messages: any[];
  /** Resolves with the close code once the socket has closed. */
  closed: Promise<number>;
  send(message: unknown): void;
  /** Waits for the first recorded message matching `match` (earlier ones included). */
  waitFor(match: (message: any) => boolean, timeoutMs?: number): Promise<any>;
}

/** How an upgrade ended: a socket, or the HTTP status it was refused with. */
export type UpgradeOutcome = { session: WsSession } | { status: number; body: string };

/** Opens a socket (no connection_init sent); resolves on open or on an HTTP refusal of the upgrade. */
export function openWs(url: string, options: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { headers: options.headers, localAddress: options.localAddress });
    const messages: any[] = [];
    const listeners = new Set<() => void>();
    ws.on('message', (data) => {
      messages.push(JSON.parse(data.toString()));
      for (const listener of [...listeners]) listener();
    });
    const closed = new Promise<number>((resolveClose) => ws.on('close', (code) => resolveClose(code)));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (err) => reject(err));
    ws.on('open', () =>
      resolve({
        session: {
          ws,
          messages,
          closed,
          send: (message) => ws.send(JSON.stringify(message)),
          waitFor(match, timeoutMs = 10_000) {
            return new Promise((resolveMessage, rejectMessage) => {
              const check = () => {
                const found = messages.find(match);
                if (found === undefined) return false;
                listeners.delete(check);
                clearTimeout(timer);
                resolveMessage(found);
                return true;
              };
              const timer = setTimeout(() => {
                listeners.delete(check);
                rejectMessage(new Error(`no matching message; got ${JSON.stringify(messages)}`));
              }, timeoutMs);
              if (!check()) listeners.add(check);
            });
          },
        },
      }),
    );
  });
}

/** Opens a socket, authenticates it with `token` in connection_init and waits for the ack. */
export async function openAuthenticatedWs(url: string, token: string): Promise<WsSession> {
  const outcome = await openWs(url);
  if (!('session' in outcome)) throw new Error(`upgrade refused with ${outcome.status}`);
  const { session } = outcome;
  session.send({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } });
  await session.waitFor((m) => m.type === 'connection_ack');
  return session;
}

/** Resolves with the close code, or rejects when the socket is still open after `ms`. */
export function closeCodeWithin(session: WsSession, ms: number): Promise<number> {
  return Promise.race([
    session.closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms)),
  ]);
}
