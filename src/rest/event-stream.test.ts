import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import express, { type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventSource, readEvents } from '../../test/support/event-source.js';
import { EventStream, type EventStreamOptions, formatEvent } from './event-stream.js';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A real HTTP server whose one route hands its response to `use` as an EventStream. */
async function serve(use: (stream: EventStream, res: Response) => void | Promise<void>, options?: EventStreamOptions) {
  const app = express();
  app.get('/stream', (_req, res) => void use(new EventStream(res, options), res));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ close: () => server.closeAllConnections() });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('formatEvent', () => {
  it('writes the id, the type and one data field per line, ending with a blank line', () => {
    expect(formatEvent({ id: '7', event: 'end', data: 'one\ntwo' })).toBe('id: 7\nevent: end\ndata: one\ndata: two\n\n');
    expect(formatEvent({ id: 'a\nb', data: '' })).toBe('id: ab\ndata: \n\n');
  });
});

describe('EventStream', () => {
  it('hands events with their ids to an EventSource-style reader, then ends the stream', async () => {
    const url = await serve((stream) => {
      stream.send(formatEvent({ id: '1', data: 'first' }));
      stream.send(formatEvent({ id: '2', data: 'second\nline' }));
      stream.end(formatEvent({ event: 'end', data: 'done' }));
    });

    const connection = await openEventSource(`${url}/stream`);
    const events = await readEvents(connection);

    expect(connection.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(connection.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(events).toEqual([
      { lastEventId: '1', event: 'message', data: 'first' },
      { lastEventId: '2', event: 'message', data: 'second\nline' },
      { lastEventId: '2', event: 'end', data: 'done' },
    ]);
  });

  it('sends heartbeat comments while quiet', async () => {
    const url = await serve(() => {}, { heartbeatMs: 20 });

    const connection = await openEventSource(`${url}/stream`);
    const reading = readEvents(connection);
    await new Promise((resolve) => setTimeout(resolve, 120));
    connection.close();
    await reading;

    expect(connection.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
  });

  it('aborts its signal when the client goes away', async () => {
    let stream!: EventStream;
    const url = await serve((s) => void (stream = s));

    const connection = await openEventSource(`${url}/stream`);
    connection.close();
    await new Promise((resolve) => stream.signal.addEventListener('abort', resolve, { once: true }));

    expect(stream.signal.aborted).toBe(true);
    expect(stream.send(formatEvent({ data: 'late' }))).toBe(false);
  });

  it('drops a client that stops reading: a final error event, then the stream closes; a reading client gets everything', async () => {
    const frame = formatEvent({ data: 'x'.repeat(1000) });
    const sent = new Map<string, number>();
    const url = await serve(
      async (stream, res) => {
        const who = String(res.req.headers['x-who']);
        let count = 0;
        // a steady producer, as a job's log is: it never waits for the client
        while (count < 8_000 && stream.send(frame)) {
          count++;
          await new Promise((resolve) => setImmediate(resolve));
        }
        sent.set(who, count);
        stream.end();
      },
      { maxBufferedBytes: 64 * 1024 },
    );
    const { port } = new URL(url);

    const stalled = connect(Number(port), '127.0.0.1');
    stalled.write('GET /stream HTTP/1.1\r\nHost: x\r\nX-Who: stalled\r\n\r\n');
    stalled.pause();
    while (!sent.has('stalled')) await new Promise((resolve) => setTimeout(resolve, 20));
    const reader = await openEventSource(`${url}/stream`, { 'x-who': 'reader' });
    const received = await readEvents(reader);
    const chunks: Buffer[] = [];
    stalled.on('data', (chunk: Buffer) => chunks.push(chunk));
    stalled.resume();
    await once(stalled, 'end');
    const text = Buffer.concat(chunks).toString();

    expect(sent.get('stalled')).toBeLessThan(8_000);
    const farewell = 'event: error\ndata: {"code":"TOO_SLOW","message":"The client read too slowly and was disconnected; reconnect with Last-Event-ID to resume."}\n\n';
    expect(text).toContain(farewell);
    expect(text.slice(text.indexOf(farewell) + farewell.length)).not.toContain('data:');
    expect(received).toHaveLength(8_000);
  });
});
