import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../src/core/jobs/job-runner.js';
import { openEventSource, readEvents } from '../support/event-source.js';
import { type TestServer, startTestServer } from '../support/test-server.js';

// A reader of a task's log stream that stops reading is dropped alone, with a final event saying why;
// a reader that keeps up gets every line.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const LINES = 40_000; // about 8 MB: more than the socket buffers and the stream's own buffer hold

describe('a task log stream with a stalled reader', () => {
  it('drops the stalled reader with an error event while another reader gets every line and the end', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const job = await startJob(server.runtime.deps, { typeId: 'test.flood', name: 'Flood', description: 'Prints a lot' }, async (_report, running) => {
      await released;
      for (let n = 1; n <= LINES; n++) {
        running.log(`line ${n} ${'x'.repeat(180)}`);
        if (n % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    });
    const { port } = new URL(server.url);
    const stalled = connect(Number(port), '127.0.0.1');
    stalled.write(`GET /tasks/${job.uid}/logstream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n\r\n`);
    stalled.pause();
    const reader = await openEventSource(`${server.url}/tasks/${job.uid}/logstream`, { authorization: `Bearer ${server.token}` });

    release();
    const events = await readEvents(reader);
    const chunks: Buffer[] = [];
    stalled.on('data', (chunk: Buffer) => chunks.push(chunk));
    stalled.resume();
    await once(stalled, 'end');
    const text = Buffer.concat(chunks).toString();

    expect(events.filter((e) => e.event === 'message')).toHaveLength(LINES + 1);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ status: 'FINISHED', message: null }) });
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    const farewell = 'event: error\ndata: {"code":"TOO_SLOW","message":"The client read too slowly and was disconnected; reconnect with Last-Event-ID to resume."}\n\n';
    expect(text).toContain(farewell);
    expect(text.slice(text.indexOf(farewell) + farewell.length)).not.toContain('data:');
    expect(text.match(/^data: /gm)!.length).toBeLessThan(LINES);
  }, 60_000);
});
