import type { IncomingMessage } from 'node:http';
import { CloseCode, type Server, handleProtocols } from 'graphql-ws';
import { type WebSocket, type WebSocketServer } from 'ws';
import type { Logger } from '../core/ports.js';
import { type EncodedPayload, spliceEncodedPayload, trailingEncodedPayload } from './shared-subscriptions.js';

// Bytes a socket may have waiting to be written before the next message waits for them to go: a client that
// reads slowly holds back its own subscriptions (a job list feed then skips to the newest list, a log stream
// ends with an error once its queue is full) instead of growing this buffer.
export const SOCKET_HIGH_WATER_BYTES = 16 * 1024;
// A ping every 12 s; a socket that has not answered the previous one by the next is cut off.
const KEEP_ALIVE_MS = 12_000;
const KEEP_ALIVE_BUCKETS = 12;

export interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
}

/**
 * graphql-ws's `useServer` for ws, leaner per socket and per message: a message is written without a promise
 * while the socket's buffer is below SOCKET_HIGH_WATER_BYTES (above it, the sender waits until it is written),
 * an encoded payload is spliced into its message, and one timer pings every socket (a twelfth of them each
 * second) instead of one timer per socket. The protocol itself is graphql-ws's.
 */
export function serveGraphqlWs<E extends SocketExtra>(
  wsServer: WebSocketServer,
  server: Server<E>,
  extra: (socket: WebSocket, request: IncomingMessage) => E,
  logger: Pick<Logger, 'error'>,
): { dispose(): Promise<void> } {
  // the socket's 'error' listener is the caller's (ws closes the socket itself on a protocol error)
  const keepAlive = new KeepAlive();
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.on('connection', (socket, request) => {
    keepAlive.add(socket);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send(data) {
          // a payload shared with other sockets is written from its bytes; any other message is built here
          const shared = trailingEncodedPayload(data);
          const built = shared ? undefined : spliceEncodedPayload(data);
          if (socket.readyState !== socket.OPEN) return;
          corkUntilNextTick(socket);
          if (socket.bufferedAmount < SOCKET_HIGH_WATER_BYTES) {
            if (shared && writeSharedFrame(socket, data, shared)) return;
            return void socket.send(built ?? `${data.slice(0, -2)}${shared!.json}}`);
          }
          const text = built ?? `${data.slice(0, -2)}${shared!.json}}`;
          // a write error closes the socket, which ends its subscriptions
          return new Promise<void>((resolve) => socket.send(text, () => resolve()));
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', (data) => {
            cb(String(data)).catch((err: unknown) => {
              logger.error('could not handle a WebSocket message', { error: err instanceof Error ? err.message : String(err) });
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra(socket, request),
    );
    socket.once('close', (code, reason) => {
      keepAlive.delete(socket);
      void closed(code, String(reason));
    });
  });
  return {
    async dispose() {
      keepAlive.stop();
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

// ws's internals this relies on (ws 8): the socket's net.Socket, its Sender and the negotiated extensions
interface WsInternals {
  _socket?: { writable: boolean; write(chunk: Buffer): boolean; cork(): void; uncork(): void };
  _sender?: { _state: number; _queue: unknown[] };
  _extensions?: Record<string, unknown>;
}
const SENDER_IDLE = 0; // ws's Sender state DEFAULT: nothing queued behind a compression or a Blob
const MESSAGE_END = Buffer.from('}');

/**
 * Writes a `next` message whose payload is shared by many sockets as one unmasked text frame: the frame
 * header and the message's own head (`{"id":"…","type":"next","payload":`) in one small buffer, then the
 * shared payload bytes as they are (no copy per socket), then `}`; the three leave in one write (with the
 * socket's other messages of the burst, if it is corked). Only when ws itself would write the frame at once, unchanged: no permessage-deflate on the
 * socket and nothing queued in its Sender; otherwise (false) the caller sends the message through ws.
 */
function writeSharedFrame(socket: WebSocket, text: string, shared: EncodedPayload): boolean {
  const { _socket: raw, _sender: sender, _extensions: extensions } = socket as unknown as WsInternals;
  if (!raw?.writable || !sender || sender._state !== SENDER_IDLE || sender._queue.length > 0) return false;
  if (!extensions || extensions['permessage-deflate'] !== undefined) return false; // ws's only extension
  const body = shared.bytes;
  const headText = text.slice(0, -2);
  const headBytes = Buffer.byteLength(headText);
  const length = headBytes + body.length + MESSAGE_END.length;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const head = Buffer.allocUnsafe(headerBytes + headBytes);
  head[0] = 0x81; // FIN, text
  if (headerBytes === 2) {
    head[1] = length;
  } else if (headerBytes === 4) {
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 127;
    head[2] = head[3] = 0;
    head.writeUIntBE(length, 4, 6);
  }
  head.write(headText, headerBytes);
  raw.cork();
  raw.write(head);
  raw.write(body);
  raw.write(MESSAGE_END);
  raw.uncork();
  return true;
}

interface RawSocket {
  cork(): void;
  uncork(): void;
}
// The sockets written to in the current burst of work (until the next tick), each with whether it is corked.
let burst = new Map<RawSocket, boolean>();

/**
 * Holds the socket's writes from its second message in the current burst of work until the burst is done,
 * so messages sent together (a log stream catching up) leave in one write: each stays its own frame, they
 * only share the system call. A socket's first message leaves at once, so one event to many sockets is not
 * held in memory for all of them until the end of the burst. One callback ends the burst for every socket.
 */
function corkUntilNextTick(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: RawSocket })._socket;
  if (!raw) return;
  const corked = burst.get(raw);
  if (corked === undefined) {
    if (burst.size === 0) process.nextTick(endBurst);
    burst.set(raw, false);
  } else if (!corked) {
    raw.cork();
    burst.set(raw, true);
  }
}

function endBurst(): void {
  const ended = burst;
  burst = new Map();
  for (const [raw, corked] of ended) if (corked) raw.uncork();
}

/**
 * Pings each socket every KEEP_ALIVE_MS from one timer (a bucket of sockets per tick); one that has not
 * answered its ping by its next turn is terminated. A new socket is first pinged one turn after it opened,
 * so, as with graphql-ws's own keep-alive, a socket is never cut off within 24 s of opening.
 */
class KeepAlive {
  // per socket: 'new' (not pinged yet), 'answered' (pinged and answered, or waiting for its first ping), 'waiting'
  private readonly buckets: Map<WebSocket, 'new' | 'answered' | 'waiting'>[] = Array.from({ length: KEEP_ALIVE_BUCKETS }, () => new Map());
  private readonly bucketOf = new WeakMap<WebSocket, number>();
  private next = 0;
  private turn = 0;
  private timer?: NodeJS.Timeout;

  add(socket: WebSocket): void {
    const index = (this.next = (this.next + 1) % KEEP_ALIVE_BUCKETS);
    const bucket = this.buckets[index]!;
    bucket.set(socket, 'new');
    this.bucketOf.set(socket, index);
    socket.on('pong', () => bucket.has(socket) && bucket.set(socket, 'answered'));
    this.timer ??= setInterval(() => this.tick(), KEEP_ALIVE_MS / KEEP_ALIVE_BUCKETS).unref();
  }

  delete(socket: WebSocket): void {
    const index = this.bucketOf.get(socket);
    if (index !== undefined) this.buckets[index]!.delete(socket);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const bucket = this.buckets[(this.turn = (this.turn + 1) % KEEP_ALIVE_BUCKETS)]!;
    for (const [socket, state] of bucket) {
      if (socket.readyState !== socket.OPEN) continue;
      if (state === 'new') {
        bucket.set(socket, 'answered');
      } else if (state === 'waiting') {
        socket.terminate();
      } else {
        bucket.set(socket, 'waiting');
        socket.ping();
      }
    }
  }
}
