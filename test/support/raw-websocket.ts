import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

// A WebSocket client written frame by frame, for what the ws library will not send: broken
// handshakes, unmasked or reserved frames, lying lengths, invalid UTF-8 in text frames.

export interface FrameOptions {
  fin?: boolean;
  /** Reserved bits (0-7), which no extension here allows. */
  rsv?: number;
  mask?: boolean;
  /** Announce this length instead of the payload's. */
  announcedLength?: number | bigint;
}

export function frame(opcode: number, payload: Buffer, options: FrameOptions = {}): Buffer {
  const { fin = true, rsv = 0, mask = true } = options;
  const length = BigInt(options.announcedLength ?? payload.length);
  const first = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (mask ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(Number(length), 2);
    header[1] = (mask ? 0x80 : 0) | 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(length, 2);
    header[1] = (mask ? 0x80 : 0) | 127;
  }
  header[0] = first;
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  return Buffer.concat([header, key, masked]);
}

export interface RawSocketOutcome {
  /** The handshake answer's status (101 when upgraded). */
  status?: number;
  /** Text the server sent: an HTTP body, text frames, the close reason. */
  text: string;
  /** The code of the server's close frame, if it sent one. */
  closeCode?: number;
  timedOut: boolean;
}

/** The upgrade request's lines; `headers` replace or add to the well-formed defaults (null drops one). */
export function upgradeRequest(target: string | Buffer, headers: Record<string, string | null> = {}, method = 'GET'): Buffer {
  const all: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': 'graphql-transport-ws',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`${method} `), Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'), Buffer.from(` HTTP/1.1\r\n${lines}\r\n`)]);
}

/**
 * Sends `handshake`, then (if upgraded) `afterUpgrade` bytes; reads until the server closes, or
 * until `lingerMs` after the upgrade (then closes itself), or until `timeoutMs` (timed out).
 */
export function rawWebSocket(port: number, handshake: Buffer, afterUpgrade: Buffer[] = [], lingerMs = 3_000, timeoutMs = 10_000): Promise<RawSocketOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timedOut = false;
    let upgraded = false;
    const socket = connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => socket.write(handshake));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (!upgraded && all.indexOf('\r\n\r\n') >= 0 && /^HTTP\/1\.1 101/.test(all.toString('latin1'))) {
        upgraded = true;
        for (const bytes of afterUpgrade) if (!socket.destroyed) socket.write(bytes);
        setTimeout(() => socket.destroy(), lingerMs).unref();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...readAnswer(Buffer.concat(chunks)), timedOut });
    });
  });
}

function readAnswer(raw: Buffer): Omit<RawSocketOutcome, 'timedOut'> {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { text: raw.toString('utf8') };
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw.toString('latin1', 0, 16))?.[1]);
  const rest = raw.subarray(end + 4);
  if (status !== 101) return { status, text: rest.toString('utf8') };
  // server frames are unmasked: opcode, length (7, 16 or 64 bits), payload
  const texts: string[] = [];
  let closeCode: number | undefined;
  let at = 0;
  while (at + 2 <= rest.length) {
    const opcode = rest[at]! & 0x0f;
    let length = rest[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = rest.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(rest.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    const payload = rest.subarray(start, start + length);
    if (opcode === 8 && payload.length >= 2) {
      closeCode = payload.readUInt16BE(0);
      texts.push(payload.subarray(2).toString('utf8'));
    } else if (opcode === 1) texts.push(payload.toString('utf8'));
    at = start + length;
  }
  return { status, text: texts.join('\n'), closeCode };
}
