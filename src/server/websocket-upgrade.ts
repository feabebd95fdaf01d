import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { authenticate } from '../core/auth/device-tokens.js';
import type { Deps } from '../core/ports.js';
import type { PendingSockets } from './pending-sockets.js';
import { tokenFromRequest } from './request-token.js';

const RETRY_AFTER_SECONDS = 5;

export interface UpgradeGate {
  /** Handles one HTTP upgrade request: refuses it with an HTTP answer or hands the socket to `onSocket`. */
  admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  /** Refuses every later upgrade with 503 (shutting down). */
  shut(): void;
}

/**
 * The checks an upgrade to /graphql passes before a WebSocket exists: the path, a free slot among
 * sockets not yet initialised (503 when the server has none, 429 when this address holds too many),
 * and, when the request presents a token (header or ?token=), that token (401 if it is invalid).
 */
export function createUpgradeGate(options: {
  path: string;
  wsServer: WebSocketServer;
  pending: PendingSockets;
  deps: Pick<Deps, 'tokens'>;
  onSocket(socket: WebSocket, request: IncomingMessage): void;
}): UpgradeGate {
  const { path, wsServer, pending, deps, onSocket } = options;
  let shut = false;
  return {
    shut: () => void (shut = true),
    async admit(request, socket, head) {
      socket.on('error', () => socket.destroy()); // a client gone mid-check must not crash the server
      if (shut) return refuse(socket, 503, 'The server is shutting down');
      if (pathOf(request.url) !== path) return refuse(socket, 404, 'Not found');
      const refusal = pending.reserve(request, request.socket.remoteAddress ?? 'unknown');
      if (refusal === 'address-full') return refuse(socket, 429, 'Too many connections waiting for connection_init from this address');
      if (refusal === 'server-full') return refuse(socket, 503, 'Too many connections waiting for connection_init');
      socket.once('close', () => pending.release(request));
      try {
        if (presentsToken(request) && !(await authenticate(deps, tokenFromRequest(request.headers, request.url)))) {
          return refuse(socket, 401, 'Invalid token');
        }
      } catch {
        return refuse(socket, 503, 'Could not check the token');
      }
      wsServer.handleUpgrade(request, socket, head, (ws) => onSocket(ws, request));
    },
  };
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function presentsToken(request: IncomingMessage): boolean {
  return request.headers.authorization !== undefined || new URL(request.url ?? '/', 'http://localhost').searchParams.has('token');
}

/** Answers the upgrade request with a plain HTTP error and a JSON body, then closes the connection. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: message });
  const retry = status === 429 || status === 503 ? `Retry-After: ${RETRY_AFTER_SECONDS}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `${retry}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
