import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventSource, readEvents } from '../support/event-source.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { statusBecomes, userdata } from './services-helpers.js';

// End-to-end over HTTP: Cloudron-style /tasks over jobs, a task's log as text and as server-sent events
// (replay, follow, resume with Last-Event-ID or ?after=, end), and stopping a task.

let server: TestServer;

beforeAll(async () => {
  // the demonstration job takes 5 steps of 0.5 s: long enough to follow it live
  server = await startTestServer({ timeScale: 0.1 });
});

afterAll(async () => {
  await server?.close();
});

const auth = () => ({ authorization: `Bearer ${server.token}` });

async function startDemoJob(): Promise<string> {
  const before = new Set(((await rest(server, 'GET', '/tasks?per_page=100', { token: server.token })).body.tasks as { id: string }[]).map((t) => t.id));
  const res = await gql(server, 'mutation { testMutation { success } }', undefined, server.token);
  expect(res.body.data.testMutation.success).toBe(true);
  const { body } = await rest(server, 'GET', '/tasks?type=test&per_page=100', { token: server.token });
  return (body.tasks as { id: string }[]).find((task) => !before.has(task.id))!.id;
}

async function task(id: string) {
  return (await rest(server, 'GET', `/tasks/${id}`, { token: server.token })).body;
}

async function ended(id: string) {
  for (;;) {
    const now = await task(id);
    if (!now.active) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const DEMO_LOG = [
  'Performing pre-move checks...',
  'Step 1 of 5: 5%',
  'Step 2 of 5: 10%',
  'Step 3 of 5: 15%',
  'Step 4 of 5: 20%',
  'Step 5 of 5: 25%',
  'Finished: Job finished.',
];

describe('GET /tasks', () => {
  it('lists jobs as tasks, newest first, by page and type; refuses a bad page; needs a token', async () => {
    const first = await startDemoJob();
    const second = await startDemoJob();

    const page1 = await rest(server, 'GET', '/tasks?type=test&per_page=1', { token: server.token });
    const page2 = await rest(server, 'GET', '/tasks?type=test&per_page=1&page=2', { token: server.token });
    const otherType = await rest(server, 'GET', '/tasks?type=system.nixos.rebuild', { token: server.token });

    expect(page1.status).toBe(200);
    expect(page1.body.tasks.map((t: { id: string }) => t.id)).toEqual([second]);
    expect(page2.body.tasks.map((t: { id: string }) => t.id)).toEqual([first]);
    expect(page1.body.tasks[0]).toMatchObject({ type: 'test', name: 'Test job', active: true, success: false, error: null });
    expect(page1.body.tasks[0].creationTime).toEqual(expect.any(Number));
    expect(otherType.body).toEqual({ tasks: [] });
    expect((await rest(server, 'GET', '/tasks?page=0', { token: server.token })).status).toBe(400);
    expect((await rest(server, 'GET', '/tasks?per_page=101', { token: server.token })).status).toBe(400);
    expect((await rest(server, 'GET', '/tasks')).status).toBe(401);
    await ended(first);
    await ended(second);
  });

  it('answers 404 for an unknown task, on every task path', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [['GET', ''], ['GET', '/logs'], ['GET', '/logstream'], ['POST', '/stop']] as const) {
      const res = await rest(server, method, `/tasks/${unknown}${path}`, { token: server.token });
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: { error: 'Job not found' } });
    }
  });
});

describe('the OpenAPI document', () => {
  it('documents the task paths, the log as plain text and the stream as text/event-stream', async () => {
    const { body } = await rest(server, 'GET', '/api/swagger.json');

    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/tasks', '/tasks/{id}', '/tasks/{id}/logs', '/tasks/{id}/logstream', '/tasks/{id}/stop']));
    expect(body.paths['/tasks'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['page', 'per_page', 'type']);
    expect(Object.keys(body.paths['/tasks/{id}/logs'].get.responses['200'].content)).toEqual(['text/plain']);
    expect(Object.keys(body.paths['/tasks/{id}/logstream'].get.responses['200'].content)).toEqual(['text/event-stream']);
    expect(body.paths['/tasks/{id}/stop'].post.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe('a task log', () => {
  it('is served as plain text, one timestamped line per line', async () => {
    const id = await startDemoJob();
    expect(await ended(id)).toMatchObject({ success: true, percent: 100, message: 'Job finished.' });

    const res = await fetch(`${server.url}/tasks/${id}/logs`, { headers: auth() });
    const text = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual(DEMO_LOG);
    expect(lines.every((line) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /.test(line))).toBe(true);
  });

  it('streams as events: replays the lines so far, follows the running job, then ends with how it ended', async () => {
    const id = await startDemoJob();
    const stream = await openEventSource(`${server.url}/tasks/${id}/logstream`, auth());
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const [first] = await readEvents(stream, () => true);
    const stillRunning = (await task(id)).active;
    const rest_ = await readEvents(stream);

    const events = [first!, ...rest_];
    expect(stillRunning).toBe(true);
    const lines = events.filter((e) => e.event === 'message');
    expect(lines.map((e) => JSON.parse(e.data).message)).toEqual(DEMO_LOG);
    expect(lines.map((e) => e.lastEventId)).toEqual(DEMO_LOG.map((_, i) => String(i + 1)));
    expect(events.at(-1)).toMatchObject({ event: 'end' });
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ status: 'FINISHED', message: 'Job finished.' });
  });

  it('resumes after Last-Event-ID (or ?after=) without losing or repeating a line', async () => {
    const id = await startDemoJob();
    const stream = await openEventSource(`${server.url}/tasks/${id}/logstream`, auth());
    const before = await readEvents(stream, (_, all) => all.length === 3);
    stream.close();

    const resumed = await openEventSource(`${server.url}/tasks/${id}/logstream`, { ...auth(), 'last-event-id': before.at(-1)!.lastEventId });
    const after = await readEvents(resumed);
    const byQuery = await readEvents(await openEventSource(`${server.url}/tasks/${id}/logstream?after=6`, auth()));

    const messages = [...before, ...after].filter((e) => e.event === 'message').map((e) => JSON.parse(e.data).message);
    expect(messages).toEqual(DEMO_LOG);
    expect(byQuery.map((e) => e.event)).toEqual(['message', 'end']);
    expect(byQuery[0]!.lastEventId).toBe('7');
    const bad = await rest(server, 'GET', `/tasks/${id}/logstream?after=nope`, { token: server.token });
    expect(bad).toMatchObject({ status: 400, body: { error: 'Invalid log cursor' } });
  });
});

describe('a system rebuild task', () => {
  it("keeps the rebuild unit's journal lines in its log", async () => {
    const res = await gql(server, 'mutation { system { runSystemRebuild { job { uid } } } }', undefined, server.token);
    const id: string = res.body.data.system.runSystemRebuild.job.uid;
    expect(await ended(id)).toMatchObject({ success: true, result: 'System rebuilt.' });

    const text = await (await fetch(`${server.url}/tasks/${id}/logs`, { headers: auth() })).text();
    const messages = text.trimEnd().split('\n').map((line) => line.replace(/^\S+ /, ''));

    expect(messages.slice(0, 2)).toEqual(['Starting the system rebuild...', 'Rebuilding the system...']);
    expect(messages).toEqual(expect.arrayContaining(['these 14 derivations will be built:', 'activating the configuration...']));
    expect(messages.at(-1)).toBe('Finished: System rebuilt.');
  });
});

describe('POST /tasks/{id}/stop', () => {
  it('cancels a running task: it ends as ERROR with the reason, its stream says so, a second stop is 409', async () => {
    const id = await startDemoJob();
    const stream = await openEventSource(`${server.url}/tasks/${id}/logstream`, auth());
    await readEvents(stream, () => true);

    const stop = await rest(server, 'POST', `/tasks/${id}/stop`, { token: server.token });
    const events = await readEvents(stream);
    const after = await ended(id);

    expect(stop.status).toBe(204);
    expect(after).toMatchObject({ active: false, success: false, error: { code: 'stopped', message: 'Job cancelled: stopped through the API' } });
    expect(events.filter((e) => e.event === 'message').length).toBeLessThan(DEMO_LOG.length);
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ status: 'ERROR', message: 'Job cancelled: stopped through the API' });
    const again = await rest(server, 'POST', `/tasks/${id}/stop`, { token: server.token });
    expect(again).toMatchObject({ status: 409, body: { error: 'Job already finished' } });
  });
});

describe('stopping a service move', () => {
  it('stops it mid-way: ERROR with the reason, the data where the userdata says, the service running again', async () => {
    const res = await gql(server, 'mutation { services { moveService(input: {serviceId: "nextcloud", location: "sda1"}) { success job { uid } } } }', undefined, server.token);
    const id: string = res.body.data.services.moveService.job.uid;
    const stream = await openEventSource(`${server.url}/tasks/${id}/logstream`, auth());
    await readEvents(stream, (e) => e.event === 'message' && JSON.parse(e.data).message === 'Stopping Nextcloud...');

    const stop = await rest(server, 'POST', `/tasks/${id}/stop`, { token: server.token });
    const events = await readEvents(stream);

    expect(stop.status).toBe(204);
    expect(await ended(id)).toMatchObject({ error: { code: 'stopped', message: 'Job cancelled: stopped through the API' } });
    const messages = events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data).message);
    expect(messages.at(-1)).toBe('Failed: Job cancelled: stopped through the API');
    const location = userdata(server).modules.nextcloud.location;
    const host = JSON.parse(readFileSync(join(server.dataDir, 'simulated-host.json'), 'utf8'));
    expect(host.mounts['/var/lib/nextcloud']).toBe(`/volumes/${location}/nextcloud`);
    expect(host.folders[`/volumes/${location}/nextcloud`]).toBeDefined();
    await statusBecomes(server, 'nextcloud', 'ACTIVE');
  });
});
