import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventSource, readEvents } from '../support/event-source.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { logFollowers } from './logs-helpers.js';

// GET /services/{id}/logs and /services/{id}/logstream (Cloudron's service log API, seeds/001) over
// real HTTP against the simulated journal: formats, the service's units only, resuming with Last-Event-ID.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const auth = () => ({ authorization: `Bearer ${server.token}` });
const NEXTCLOUD = 'phpfpm-nextcloud.service';

async function restart(serviceId: string): Promise<void> {
  const { body } = await gql(server, `mutation { services { restartService(serviceId: "${serviceId}") { success } } }`, undefined, server.token);
  expect(body.data.services.restartService.success).toBe(true);
}

async function logs(path: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: auth() });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** Restarts Nextcloud and waits until its journal says it has started again. */
async function restartNextcloud(): Promise<void> {
  const before = (await logs('/services/nextcloud/logs?format=plain&lines=10000')).text.split('\n').length;
  await restart('nextcloud');
  await expect.poll(async () => (await logs('/services/nextcloud/logs?format=plain&lines=10000')).text.split('\n').length).toBe(before + 2);
}

describe('GET /services/{id}/logs', () => {
  it("answers the service's newest entries as JSON lines by default, from its units only", async () => {
    await restartNextcloud();

    const { status, type, text } = await logs('/services/nextcloud/logs');

    expect(status).toBe(200);
    expect(type).toMatch(/^application\/x-ndjson/);
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines.slice(-2)).toEqual([
      { realtimeTimestamp: expect.any(Number), message: `Restarting ${NEXTCLOUD}...`, source: 'nextcloud', unit: NEXTCLOUD, priority: 6, cursor: expect.any(String) },
      { realtimeTimestamp: expect.any(Number), message: `Started ${NEXTCLOUD}.`, source: 'nextcloud', unit: NEXTCLOUD, priority: 6, cursor: expect.any(String) },
    ]);
    expect(lines.every((l) => l.unit === NEXTCLOUD)).toBe(true);
  });

  it('answers plain text lines, `lines` of them, and covers every unit of a service', async () => {
    const plain = await logs('/services/simple-nixos-mailserver/logs?format=plain&lines=40');

    expect(plain.type).toMatch(/^text\/plain/);
    const lines = plain.text.trimEnd().split('\n');
    expect(lines).toHaveLength(40);
    expect(lines.every((line) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (dovecot|postfix)\.service: ./.test(line))).toBe(true);
    expect(new Set(lines.map((line) => line.split(' ')[1]))).toEqual(new Set(['dovecot.service:', 'postfix.service:']));
  });

  it('answers 404 for an unknown service, 400 for an unknown format, 401 without a token', async () => {
    expect(await rest(server, 'GET', '/services/no-such-service/logs', { token: server.token })).toMatchObject({ status: 404, body: { error: 'Service not found' } });
    expect(await rest(server, 'GET', '/services/nextcloud/logs?format=xml', { token: server.token })).toMatchObject({ status: 400, body: { error: 'format must be json or plain' } });
    expect((await rest(server, 'GET', '/services/nextcloud/logs')).status).toBe(401);
  });
});

describe('GET /services/{id}/logstream', () => {
  it('starts with the newest lines, follows, and resumes after Last-Event-ID or ?after= without losing or repeating an entry', async () => {
    const stream = await openEventSource(`${server.url}/services/nextcloud/logstream?lines=2`, auth());
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const backlog = await readEvents(stream, (_, all) => all.length === 2);
    await restart('nextcloud');
    const live = await readEvents(stream, (e) => JSON.parse(e.data).message === `Started ${NEXTCLOUD}.`);
    stream.close();
    await expect.poll(() => logFollowers(server).followerCount).toBe(0);
    await restartNextcloud(); // while disconnected

    const resumed = await openEventSource(`${server.url}/services/nextcloud/logstream`, { ...auth(), 'last-event-id': live.at(-1)!.lastEventId });
    const missed = await readEvents(resumed, (_, all) => all.length === 2);
    resumed.close();
    const byQuery = await openEventSource(`${server.url}/services/nextcloud/logstream?after=${encodeURIComponent(live.at(-1)!.lastEventId)}&format=plain`, auth());
    const sameMissed = await readEvents(byQuery, (_, all) => all.length === 2);
    byQuery.close();

    const stored = (await logs('/services/nextcloud/logs?lines=6')).text.trimEnd().split('\n').map((line) => JSON.parse(line));
    const seen = [...backlog, ...live, ...missed];
    expect(seen.map((e) => e.lastEventId)).toEqual(stored.map((l) => l.cursor));
    expect(seen.map((e) => JSON.parse(e.data).message)).toEqual(stored.map((l) => l.message));
    expect(missed.map((e) => JSON.parse(e.data).message)).toEqual([`Restarting ${NEXTCLOUD}...`, `Started ${NEXTCLOUD}.`]);
    expect(sameMissed.map((e) => e.lastEventId)).toEqual(missed.map((e) => e.lastEventId));
    expect(sameMissed.map((e) => e.data.replace(/^\S+ /, ''))).toEqual([`${NEXTCLOUD}: Restarting ${NEXTCLOUD}...`, `${NEXTCLOUD}: Started ${NEXTCLOUD}.`]);
    await expect.poll(() => logFollowers(server).followerCount).toBe(0);
  });

  it('answers an unknown service with 404 and an unknown cursor with 400, before any stream', async () => {
    const unknown = await openEventSource(`${server.url}/services/no-such-service/logstream`, auth());
    const badCursor = await openEventSource(`${server.url}/services/nextcloud/logstream`, { ...auth(), 'last-event-id': 'not-a-cursor' });

    expect([unknown.status, JSON.parse(unknown.body!)]).toEqual([404, { error: 'Service not found' }]);
    expect([badCursor.status, JSON.parse(badCursor.body!)]).toEqual([400, { error: 'Unknown journal cursor' }]);
    expect(logFollowers(server).followerCount).toBe(0);
  });

  it('shares one follower among the streams of one service and stops it when the last client leaves', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => openEventSource(`${server.url}/services/gitea/logstream?lines=0`, auth())));
    await expect.poll(() => logFollowers(server).followerCount).toBe(1);

    await restart('gitea');
    const received = await Promise.all(streams.map((s) => readEvents(s, (e) => JSON.parse(e.data).message === 'Started forgejo.service.')));

    expect(received.every((events) => events.map((e) => JSON.parse(e.data).message).join() === 'Restarting forgejo.service...,Started forgejo.service.')).toBe(true);
    expect(new Set(received.map((events) => events[0]!.lastEventId)).size).toBe(1);
    for (const s of streams) s.close();
    await expect.poll(() => logFollowers(server).followerCount).toBe(0);
  });

  it('is in the OpenAPI document: JSON lines, and an event stream', async () => {
    const { body } = await rest(server, 'GET', '/api/swagger.json');

    expect(Object.keys(body.paths['/services/{id}/logs'].get.responses['200'].content)).toEqual(['application/x-ndjson']);
    expect(Object.keys(body.paths['/services/{id}/logstream'].get.responses['200'].content)).toEqual(['text/event-stream']);
    expect(body.paths['/services/{id}/logstream'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['after', 'format', 'id', 'lines']);
    expect(body.paths['/services/{id}/logstream'].get.security).toEqual([{ bearerAuth: [] }]);
  });
});
