import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from './access-log.js';

// The access log as written to its pino destination, for requests that carry secrets in the URL.

const lines: string[] = [];
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const app = express();
  app.use(accessLog(pino({ level: 'info' }, destination)));
  app.use((req, res) => {
    res.status(req.url.startsWith('/fails') ? 500 : 200).json({});
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

async function loggedUrlOf(path: string): Promise<string> {
  const before = lines.length;
  await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: 'Bearer header-secret' } });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const logged = lines.slice(before).map((line) => JSON.parse(line) as { req?: { url: string } });
  return logged.find((entry) => entry.req)!.req!.url;
}

describe('accessLog', () => {
  it('hides the values of secret query parameters, by their decoded names too', async () => {
    const logged: string[] = [];
    for (const path of ['/users?username=carol&password=hunter2-secret', '/auth/tokens?token=token-secret', '/auth/tokens?%74oken=encoded-secret', '/x?p%61ssword=encoded-password&key=k-secret']) {
      logged.push(await loggedUrlOf(path));
    }

    expect(logged).toEqual([
      '/users?username=[hidden]&password=[hidden]',
      '/auth/tokens?token=[hidden]',
      '/auth/tokens?token=[hidden]',
      '/x?password=[hidden]&key=[hidden]',
    ]);
    expect(lines.join('\n')).not.toMatch(/secret|hunter2|encoded-password/);
  });

  it('keeps the path and the values of harmless parameters', async () => {
    expect(await loggedUrlOf('/users?withMainUser=true')).toBe('/users?withMainUser=true');
    expect(await loggedUrlOf('/services/status')).toBe('/services/status');
  });

  it('writes one line per request: method, URL, status and time; a 5xx at error level', async () => {
    const before = lines.length;
    await fetch(`${url}/services/status?token=t-secret`);
    await fetch(`${url}/fails?password=p-secret`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const logged = lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', req: { method: 'GET', url: '/services/status?token=[hidden]' }, res: { statusCode: 200 }, responseTime: expect.any(Number) }),
      expect.objectContaining({ level: 50, msg: 'request errored', req: { method: 'POST', url: '/fails?password=[hidden]' }, res: { statusCode: 500 } }),
    ]);
    expect(lines.slice(before).join('\n')).not.toMatch(/secret/);
  });
});
