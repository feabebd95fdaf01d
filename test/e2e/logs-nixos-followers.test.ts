import { type Client, createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openEventSource, readEvents } from '../support/event-source.js';
import type { TestServer } from '../support/test-server.js';
import { isAlive } from '../infra/nixos-machine.js';
import { nixosServerWithFakeJournal } from './nixos-fake-journal.js';

// The API on a NixOS host whose journalctl is a fake on PATH: live log subscribers over WebSocket and
// EventSource share one `journalctl --follow` per filter, and no such process outlives its subscribers,
// however they leave.

const target = nixosServerWithFakeJournal({ followIntervalMs: 30 });
let server: TestServer;
beforeAll(() => {
  server = target.server;
});

/** The `journalctl --follow` processes started so far, and which of them still run. */
function followers(): { started: number; running: number } {
  const calls = target.followCalls();
  return { started: calls.length, running: calls.filter((c) => isAlive(c.pid)).length };
}

function client(): Client {
  return createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${server.token}` }, retryAttempts: 0 });
}

describe('journalctl followers on NixOS', () => {
  it('one per filter for many WebSocket and EventSource subscribers, none left once they have gone', async () => {
    const sockets = [client(), client(), client()];
    const subscriptions = sockets.flatMap((c) => Array.from({ length: 5 }, () => c.iterate<{ logEntries: { message: string } }>({ query: 'subscription { logEntries { message cursor } }' })));
    const streams = await Promise.all(Array.from({ length: 4 }, () => openEventSource(`${server.url}/services/simple-nixos-mailserver/logstream?lines=0`, { authorization: `Bearer ${server.token}` })));
    const raw = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${server.token}` } }));
    raw.once('message', () => raw.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: 'subscription { logEntries { message } }' } })));

    const firsts = await Promise.all(subscriptions.map(async (s) => (await s.next()).value!.data!.logEntries.message));
    const streamed = await Promise.all(streams.map((s) => readEvents(s, () => true)));

    expect(firsts.every((m) => /^fake line \d+$/.test(m))).toBe(true);
    expect(streamed.every(([event]) => /^fake line \d+$/.test(JSON.parse(event!.data).message))).toBe(true);
    expect(followers()).toEqual({ started: 2, running: 2 });
    const follows = target.followCalls().map((c) => c.args.slice(3));
    expect(follows).toEqual(expect.arrayContaining([['--follow', '--lines=0'], ['--follow', '--lines=0', '--', '_SYSTEMD_UNIT=dovecot.service', '_SYSTEMD_UNIT=postfix.service']]));

    await Promise.all(subscriptions.slice(0, 5).map((s) => s.return!()));
    await sockets[1]!.dispose();
    sockets[2]!.terminate();
    raw.terminate(); // gone without a word
    for (const s of streams) s.close();
    await sockets[0]!.dispose();

    await expect.poll(() => followers().running, { timeout: 10_000 }).toBe(0);
    expect(followers().started).toBe(2);
  });
});
