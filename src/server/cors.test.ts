import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsMiddleware, simpleCorsHeaders } from './cors.js';

// The front door's CORS headers for answers that are not preflights are the cors package's, header for header.

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
const full = corsMiddleware() as unknown as Handler;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const server = createServer((req, res) => {
    const handler = req.url === '/simple' ? simpleCorsHeaders : full;
    handler(req, res, () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

async function headersOf(path: string, method: string, headers: Record<string, string>): Promise<[string, string][]> {
  const res = await fetch(`${url}${path}`, { method, headers });
  await res.text();
  return [...res.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary');
}

describe('simpleCorsHeaders', () => {
  for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
    for (const origin of [undefined, 'https://app.example', 'null', '']) {
      it(`adds what cors adds to a ${method} ${origin === undefined ? 'without an origin' : `from origin "${origin}"`}`, async () => {
        const headers: Record<string, string> = origin === undefined ? {} : { origin };
        expect(await headersOf('/simple', method, headers)).toEqual(await headersOf('/full', method, headers));
      });
    }
  }
});
