import { type Client, createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_SUBSCRIPTIONS_PER_SOCKET } from '../../src/server/graphql-ws.js';
import { type SseConnection, openEventSource } from '../support/event-source.js';
import type { TestServer } from '../support/test-server.js';
import { isAlive } from '../infra/nixos-machine.js';
import { nixosServerWithFakeJournal } from './nixos-fake-journal.js';
import { logFollowers } from './logs-helpers.js';

// Issue 8: a thousand concurrent live log subscribers on one filter, over real WebSockets (plus a few
// EventSource streams of the same service's log), on a NixOS host whose journalctl is a fake on PATH:
// they share one `journalctl --follow`, each gets the same entries in order, and the follower is gone
// once they have all left.

const UNIT = 'prometheus.service'; // the monitoring service's only unit: its logstream has the same filter
const SUBSCRIPTIONS = 1000;
const SOCKETS = Math.ceil(SUBSCRIPTIONS / MAX_SUBSCRIPTIONS_PER_SOCKET); // 63
const CONNECT_BATCH = 4; // below the 8 sockets one address may have waiting for connection_init
const STREAMS = 8;
const COMPARED = 5; // entries every subscriber must have received alike
const FOLLOW_INTERVAL_MS = 100;

const target = nixosServerWithFakeJournal({ followIntervalMs: FOLLOW_INTERVAL_MS, cursorNamesProcess: true });
let server: TestServer;
beforeAll(() => {
  server = target.server;
});

/** The `journalctl --follow` processes started so far (for any filter, and for UNIT), and which of them still run. */
function followers(): { started: number; startedForUnit: number; running: number } {
  const calls = target.followCalls();
  return {
    started: calls.length,
    startedForUnit: calls.filter((c) => c.args.includes(`_SYSTEMD_UNIT=${UNIT}`)).length,
    running: calls.filter((c) => isAlive(c.pid)).length,
  };
}

const entryIndex = (cursor: string) => Number.parseInt(/;i=([0-9a-f]+)$/.exec(cursor)![1]!, 16);

/** The cursors one subscriber has received, in order; waits settle on arrival, or fail on the subscriber's error. */
class Received {
  readonly cursors: string[] = [];
  private waiter?: { done: () => boolean; resolve: () => void; reject: (err: unknown) => void };
  private failure?: unknown;

  constructor(readonly name: string) {}

  push(cursor: string): void {
    this.cursors.push(cursor);
    if (this.waiter?.done()) this.settle();
  }

  fail(err: unknown): void {
    this.failure ??= err;
    if (this.waiter) this.settle();
  }

  /** Resolves once `done` holds (checked now and at each new entry). */
  until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiter = { done, resolve, reject };
      if (done() || this.failure !== undefined) this.settle();
    });
  }

  private settle(): void {
    const waiter = this.waiter!;
    this.waiter = undefined;
    if (this.failure !== undefined) waiter.reject(new Error(`${this.name}: ${String(this.failure instanceof Error ? this.failure.message : JSON.stringify(this.failure))}`));
    else waiter.resolve();
  }
}

/** A graphql-ws client connected (acknowledged) before it is handed back. */
function connectedClient(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client: Client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${server.token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: reject,
      on: { connected: () => resolve(client), closed: (event) => reject(new Error(`socket closed before acknowledged: ${(event as { code?: number }).code}`)) },
    });
  });
}

describe('a thousand log subscribers on one filter (NixOS)', () => {
  it('share one journalctl --follow, receive the same entries in order, and leave no follower behind', { timeout: 60_000 }, async () => {
    let leaving = false;
    const received: Received[] = [];
    const clients: Client[] = [];
    const unsubscribes: (() => void)[] = [];

    // the SSE streams open while the sockets connect: every subscriber joins the same follower, whoever comes first
    const streamsOpened = Promise.all(
      Array.from({ length: STREAMS }, () => openEventSource(`${server.url}/services/monitoring/logstream?lines=0`, { authorization: `Bearer ${server.token}` })),
    );
    for (let first = 0; first < SOCKETS; first += CONNECT_BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, SOCKETS - first) }, () => connectedClient()));
      for (const client of batch) {
        const n = Math.min(MAX_SUBSCRIPTIONS_PER_SOCKET, SUBSCRIPTIONS - received.length);
        for (let k = 0; k < n; k += 1) {
          const r = new Received(`subscription ${received.length}`);
          received.push(r);
          unsubscribes.push(
            client.subscribe<{ logEntries: { cursor: string } }>(
              { query: 'subscription Follow($unit: String) { logEntries(filterByUnit: $unit) { cursor } }', variables: { unit: UNIT } },
              {
                next: (message) => (message.data ? r.push(message.data.logEntries.cursor) : r.fail(message.errors)),
                error: (err) => r.fail(err),
                complete: () => {
                  if (!leaving) r.fail(new Error('completed early'));
                },
              },
            ),
          );
        }
        clients.push(client);
      }
    }
    const streams: SseConnection[] = await streamsOpened;
    expect(streams.map((s) => s.status)).toEqual(Array(STREAMS).fill(200));
    const streamReceived = streams.map((stream, i) => {
      const r = new Received(`stream ${i}`);
      void (async () => {
        for await (const event of stream.events) if (event.event === 'message') r.push(event.lastEventId);
        if (!leaving) r.fail(new Error('the stream ended early'));
      })();
      return r;
    });
    const all = [...received, ...streamReceived];
    expect(received).toHaveLength(SUBSCRIPTIONS);
    expect(clients).toHaveLength(SOCKETS);

    // every subscriber is in once it has an entry; the last to get in sets where the common run starts
    await Promise.all(all.map((r) => r.until(() => r.cursors.length > 0)));
    const start = Math.max(...all.map((r) => entryIndex(r.cursors[0]!)));
    const end = start + COMPARED - 1;
    await Promise.all(all.map((r) => r.until(() => entryIndex(r.cursors.at(-1)!) >= end)));

    const latest = all.find((r) => entryIndex(r.cursors[0]!) === start)!;
    const expected = latest.cursors.slice(0, COMPARED);
    expect(expected.map(entryIndex)).toEqual(Array.from({ length: COMPARED }, (_, k) => start + k));
    for (const r of all) {
      const from = r.cursors.indexOf(expected[0]!);
      expect(r.cursors.slice(from, from + COMPARED), r.name).toEqual(expected);
      // nothing lost, repeated or reordered since it joined
      const indexes = r.cursors.map(entryIndex);
      expect(indexes, r.name).toEqual(indexes.map((_, k) => indexes[0]! + k));
    }
    expect(followers()).toEqual({ started: 1, startedForUnit: 1, running: 1 });
    expect(logFollowers(server).followerCount).toBe(1);

    // everyone leaves: half the sockets end their subscriptions one by one, then every socket and stream goes
    leaving = true;
    for (const unsubscribe of unsubscribes.slice(0, SUBSCRIPTIONS / 2)) unsubscribe();
    await Promise.all(clients.map((client) => client.dispose()));
    for (const stream of streams) stream.close();

    await expect.poll(() => logFollowers(server).followerCount, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => followers().running, { timeout: 10_000 }).toBe(0); // reaped once the process group is gone
    expect(followers()).toMatchObject({ started: 1, startedForUnit: 1 });
  });
});
