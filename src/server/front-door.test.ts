import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appHttpClasses, frontDoor } from './front-door.js';

// The front door serves its paths with express's own request and response methods, sends step errors to
// the app's error handler, and hands every other request to the express app.

const seen: string[] = [];
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use((req, res) => {
    res.status(418).json({ servedBy: 'app', path: req.path });
  });
  const errors = (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(400).json({ error: (err as Error).message });
  };
  const mark = (req: Request, _res: Response, next: NextFunction) => {
    (req as Request & { marked?: boolean }).marked = true;
    next();
  };
  const exact = new Map([
    ['GET /hello', [mark, (req: Request, res: Response) => res.json({ hello: 'world', marked: (req as Request & { marked?: boolean }).marked, ip: req.ip, params: req.params, query: req.query })]],
    ['POST /throws', [mark, () => { throw new Error('thrown'); }]],
    ['POST /rejects', [mark, async () => { throw new Error('rejected'); }]],
    ['POST /passes', [(_req: Request, _res: Response, next: NextFunction) => next(new Error('passed on'))]],
  ]);
  const graphql = [(req: Request, res: Response) => res.send(JSON.stringify({ graphql: req.method }))];
  const handle = frontDoor({ app, always: (req: IncomingMessage) => void seen.push(`${req.method} ${req.url}`), graphql, exact, errors });
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('frontDoor', () => {
  it('serves an exact path through its steps with express methods: JSON, ETag, client address, query', async () => {
    const res = await call('/hello?x=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hello: 'world', marked: true, ip: '127.0.0.1', params: {}, query: { x: '1' } });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('etag')).toMatch(/^W\/"/);
    // fetch would add `cache-control: no-cache` to a conditional request; node's client sends it as is
    const status = await new Promise((resolve, reject) => {
      get(`${url}/hello?x=1`, { headers: { 'if-none-match': res.headers.get('etag')! } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(304);
  });

  it('serves POST and GET /graphql through the GraphQL steps, other methods and spellings through the app', async () => {
    expect((await call('/graphql', { method: 'POST' })).body).toEqual({ graphql: 'POST' });
    expect((await call('/graphql?query=x')).body).toEqual({ graphql: 'GET' });
    expect((await call('/graphql', { method: 'PUT' })).body).toEqual({ servedBy: 'app', path: '/graphql' });
    expect((await call('/graphql/')).body).toEqual({ servedBy: 'app', path: '/graphql/' });
    expect((await call('/GraphQL')).body).toEqual({ servedBy: 'app', path: '/GraphQL' });
  });

  it('hands other paths, methods and spellings to the app', async () => {
    expect(await call('/hello/')).toMatchObject({ status: 418, body: { servedBy: 'app', path: '/hello/' } });
    expect(await call('/Hello')).toMatchObject({ status: 418, body: { servedBy: 'app' } });
    expect(await call('/hello', { method: 'POST' })).toMatchObject({ status: 418, body: { servedBy: 'app' } });
    expect(await call('/hello', { method: 'HEAD' })).toMatchObject({ status: 418 });
    expect(await call('/elsewhere')).toMatchObject({ status: 418, body: { servedBy: 'app', path: '/elsewhere' } });
  });

  it('sends a thrown, rejected or passed-on error to the error handler', async () => {
    expect(await call('/throws', { method: 'POST' })).toMatchObject({ status: 400, body: { error: 'thrown' } });
    expect(await call('/rejects', { method: 'POST' })).toMatchObject({ status: 400, body: { error: 'rejected' } });
    expect(await call('/passes', { method: 'POST' })).toMatchObject({ status: 400, body: { error: 'passed on' } });
  });

  it('runs its first handler for every request, whoever serves it', async () => {
    seen.length = 0;
    await call('/hello?token=t');
    await call('/elsewhere');
    expect(seen).toEqual(['GET /hello?token=t', 'GET /elsewhere']);
  });

  it("serves requests created with the app's prototypes (appHttpClasses) the same, express's methods included", async () => {
    const app = express();
    app.use((req, res) => {
      res.status(418).json({ servedBy: 'app', ip: req.ip });
    });
    const born: boolean[] = [];
    const hello = (req: Request, res: Response) => res.json({ hello: 'world', query: req.query });
    const door = frontDoor({ app, always: (req, res) => void born.push(Object.prototype.isPrototypeOf.call(app.request, req) && Object.prototype.isPrototypeOf.call(app.response, res)), graphql: [], exact: new Map([['GET /hello', [hello]]]), errors: () => undefined });
    const http = appHttpClasses();
    const server = createServer({ IncomingMessage: http.IncomingMessage, ServerResponse: http.ServerResponse }, door);
    http.adopt(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const hi = await fetch(`${base}/hello?x=1`);
      expect(hi.status).toBe(200);
      expect(hi.headers.get('etag')).toMatch(/^W\//);
      expect(await hi.json()).toEqual({ hello: 'world', query: { x: '1' } });
      const other = await fetch(`${base}/elsewhere`);
      expect(other.status).toBe(418);
      expect(await other.json()).toEqual({ servedBy: 'app', ip: '127.0.0.1' });
      expect(born).toEqual([true, true]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
