import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { expectNoStackTrace } from './rest-helpers.js';

// Requests that are the client's fault answer 4xx with a JSON body, never 500.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

interface SwaggerDocument {
  paths: Record<string, Record<string, unknown>>;
}

/** Every documented REST path and method, with path parameters filled in, plus /graphql. */
async function everyEndpoint(): Promise<{ method: string; path: string }[]> {
  const doc = (await rest(server, 'GET', '/api/swagger.json')).body as SwaggerDocument;
  const endpoints = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, 'alice') })),
  );
  return [...endpoints, { method: 'POST', path: '/graphql' }, { method: 'POST', path: '/user/reset-password' }];
}

interface RawAnswer {
  status: number;
  headers: { get(name: string): string | null };
  body: any;
}

/** Any method with any body (fetch refuses a body on GET). */
function send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = request(`${server.url}${path}`, { method, headers: { ...headers, ...length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // leave as text
        }
        resolve({ status: res.statusCode ?? 0, headers: { get: (name) => (res.headers[name] as string | undefined) ?? null }, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });

function expectJsonClientError(res: RawAnswer, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual({ message: expect.any(String) });
  expectNoStackTrace(res.body);
}

describe('a body whose Content-Encoding does not match its bytes', () => {
  for (const encoding of ['gzip', 'deflate', 'br']) {
    it(`answers 400 with JSON on every path for a fake ${encoding} body`, async () => {
      for (const { method, path } of await everyEndpoint()) {
        const res = await send(method, path, { ...auth(), 'content-encoding': encoding }, '{"username":"carol","password":"not compressed"}');

        expect({ method, path, status: res.status }).toEqual({ method, path, status: 400 });
        expectJsonClientError(res, 400);
        expect(res.body.message).toBe('The request body could not be decoded with its Content-Encoding.');
      }
    });
  }

  it('still reads a body that really is gzip-compressed', async () => {
    const res = await send('POST', '/auth/recovery_token', { ...auth(), 'content-encoding': 'gzip' }, gzipSync(JSON.stringify({ uses: 0 })));

    expect(res).toMatchObject({ status: 400, body: { message: 'Uses must be greater than 0' } });
  });

  it('answers 415 with JSON for an encoding the server does not know', async () => {
    const res = await send('POST', '/users', { ...auth(), 'content-encoding': 'compress' }, '{}');

    expectJsonClientError(res, 415);
    expect(res.body.message).toBe('Unsupported Content-Encoding "compress" (use identity, gzip, deflate or br).');
  });
});

describe('a malformed percent-encoding in a path parameter', () => {
  const cases = [
    ['DELETE', '/users/%ff'],
    ['DELETE', '/users/%'],
    ['GET', '/services/ssh/keys/%zz'],
    ['POST', '/services/ssh/keys/%e2%82'],
    ['DELETE', '/services/ssh/keys/%c0%af'],
  ] as const;

  for (const [method, path] of cases) {
    it(`${method} ${path} answers 400 with JSON`, async () => {
      const res = await send(method, path, auth(), JSON.stringify({ public_key: 'ssh-ed25519 AAAA' }));

      expectJsonClientError(res, 400);
      expect(res.body.message).toBe('The request path is not valid percent-encoding.');
    });
  }

  it('is still 401 without a token (authentication answers first)', async () => {
    expect((await rest(server, 'DELETE', '/users/%ff')).status).toBe(401);
  });
});
