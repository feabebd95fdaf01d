import { connect } from 'node:net';

// HTTP/1.1 written byte by byte: fetch and node:http refuse to send most malformed requests
// (bad methods, invalid bytes in headers or paths, lying Content-Length), which a fuzz suite needs.

export interface RawRequest {
  method: string;
  /** Sent as is: no encoding, no validation. */
  target: string | Buffer;
  headers?: [string, string | Buffer][];
  body?: Buffer | string;
  /** Send only the first bytes of the body (the headers still announce all of it), then half-close. */
  truncateBodyTo?: number;
}

export interface RawResponse {
  /** Undefined when the server closed the connection without answering. */
  status?: number;
  headers: Record<string, string>;
  body: string;
  timedOut: boolean;
}

/** Sends one request on its own connection (`Connection: close`) and reads the whole answer. */
export function rawHttp(port: number, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const headers: [string, string | Buffer][] = [['Host', `127.0.0.1:${port}`], ['Connection', 'close'], ...(request.headers ?? [])];
  const hasLength = headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
  if (body && !hasLength) headers.push(['Content-Length', String(body.length)]);
  const head = Buffer.concat([
    Buffer.from(`${request.method} `),
    Buffer.isBuffer(request.target) ? request.target : Buffer.from(request.target, 'latin1'),
    Buffer.from(' HTTP/1.1\r\n'),
    ...headers.flatMap(([name, value]) => [Buffer.from(`${name}: `), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n')]),
    Buffer.from('\r\n'),
  ]);
  const sent = body && request.truncateBodyTo !== undefined ? body.subarray(0, request.truncateBodyTo) : body;

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timedOut = false;
    const socket = connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(sent ? Buffer.concat([head, sent]) : head);
      if (request.truncateBodyTo !== undefined) socket.end();
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    // a reset after a partial answer still leaves what was read
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...parseResponse(Buffer.concat(chunks)), timedOut });
    });
  });
}

function parseResponse(raw: Buffer): Omit<RawResponse, 'timedOut'> {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: raw.toString('utf8') };
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { status: Number.isNaN(status) ? undefined : status, headers, body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
