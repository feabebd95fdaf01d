import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { logFollowers } from './logs-helpers.js';

// Subscription.logEntries over WebSocket against the simulated journal: live entries in order, the
// additive filter and `after` arguments, and followers shared between subscribers (spec §6).

let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

function client(): Client {
  const c = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${server.token}` }, retryAttempts: 0 });
  clients.push(c);
  return c;
}

interface Live {
  message: string;
  systemdUnit: string | null;
  systemdSlice: string | null;
  cursor: string;
}

type Result = { data?: { logEntries: Live } | null; errors?: { message: string }[] };

/** Subscribes and reads results on demand. */
function subscribe(c: Client, query: string): { next: () => Promise<Result>; stop: () => Promise<void> } {
  const results = c.iterate<{ logEntries: Live }>({ query });
  return {
    next: async () => {
      const r = await results.next();
      if (r.done) throw new Error('the subscription completed');
      return r.value as Result;
    },
    stop: async () => void (await results.return?.()),
  };
}

/** Reads entries until one satisfies `until`; returns those read. */
async function readUntil(sub: { next: () => Promise<Result> }, until: (e: Live) => boolean): Promise<Live[]> {
  const seen: Live[] = [];
  while (true) {
    const result = await sub.next();
    expect(result.errors).toBeUndefined();
    seen.push(result.data!.logEntries);
    if (until(seen.at(-1)!)) return seen;
  }
}

const restart = async (serviceId: string) => {
  const { body } = await gql(server, `mutation { services { restartService(serviceId: "${serviceId}") { success message } } }`, undefined, server.token);
  expect(body.data.services.restartService.success).toBe(true);
};

const NEXTCLOUD = 'phpfpm-nextcloud.service';
const FIELDS = 'message systemdUnit systemdSlice cursor';

describe('logEntries', () => {
  it("the contract form delivers new entries from every unit, in journal order, from now on", async () => {
    const sub = subscribe(client(), `subscription { logEntries { ${FIELDS} } }`);
    await expect.poll(() => logFollowers(server).followerCount).toBe(1);

    await restart('nextcloud');
    const seen = await readUntil(sub, (e) => e.message === `Started ${NEXTCLOUD}.`);

    expect(seen.filter((e) => e.systemdUnit === NEXTCLOUD).map((e) => e.message)).toEqual([`Restarting ${NEXTCLOUD}...`, `Started ${NEXTCLOUD}.`]);
    expect(seen.at(-1)).toMatchObject({ systemdSlice: 'system.slice', cursor: expect.stringMatching(/^s=[0-9a-f]{32};i=[0-9a-f]+;/) });
    await sub.stop();
  });

  it('filters by unit, and resumes after a cursor without losing or repeating an entry', async () => {
    const query = (after?: string) => `subscription { logEntries(filterByUnit: "${NEXTCLOUD}"${after ? `, after: "${after}"` : ''}) { ${FIELDS} } }`;
    const first = subscribe(client(), query());
    await expect.poll(() => logFollowers(server).followerCount).toBe(1);
    await restart('gitea');
    await restart('nextcloud');
    const [restarting] = await readUntil(first, () => true);
    await first.stop();
    await expect.poll(() => newestNextcloud(1)).toEqual([`Started ${NEXTCLOUD}.`]);
    await restart('nextcloud'); // while nobody follows
    await expect.poll(() => newestNextcloud(3)).toEqual([`Started ${NEXTCLOUD}.`, `Restarting ${NEXTCLOUD}...`, `Started ${NEXTCLOUD}.`]);
    const [lastStored] = await newestNextcloud(1, 'cursor');

    const resumed = subscribe(client(), query(restarting!.cursor));
    const replayed = await readUntil(resumed, (e) => e.cursor === lastStored);
    await restart('nextcloud');
    const live = await readUntil(resumed, (e) => e.message.startsWith('Started'));

    expect(restarting!.message).toBe(`Restarting ${NEXTCLOUD}...`);
    expect(replayed.map((e) => e.message)).toEqual([`Started ${NEXTCLOUD}.`, `Restarting ${NEXTCLOUD}...`, `Started ${NEXTCLOUD}.`]);
    expect(live.map((e) => e.message)).toEqual([`Restarting ${NEXTCLOUD}...`, `Started ${NEXTCLOUD}.`]);
    expect([restarting!, ...replayed, ...live].map((e) => e.cursor)).toEqual(await newestNextcloud(6, 'cursor'));
    await resumed.stop();
  });

  it('shares one follower among the subscribers of one filter and stops it when they leave', async () => {
    const sockets = [client(), client(), client()];
    const subs = sockets.flatMap((c) => Array.from({ length: 10 }, () => subscribe(c, `subscription { logEntries(filterByUnit: "forgejo.service") { ${FIELDS} } }`)));
    await expect.poll(() => logFollowers(server).followerCount).toBe(1);
    await new Promise((r) => setTimeout(r, 200)); // every subscription registered

    await restart('gitea');
    const received = await Promise.all(subs.map((s) => readUntil(s, (e) => e.message.startsWith('Started'))));

    expect(logFollowers(server).followerCount).toBe(1);
    expect(received.every((seen) => seen.map((e) => e.message).join() === 'Restarting forgejo.service...,Started forgejo.service.')).toBe(true);
    await Promise.all(sockets.map((c) => c.dispose()));
    await expect.poll(() => logFollowers(server).followerCount).toBe(0);
  });

  it('refuses an unknown cursor with an error for that subscription', async () => {
    const sub = subscribe(client(), `subscription { logEntries(after: "s=nope;i=1") { ${FIELDS} } }`);

    await expect(sub.next()).rejects.toEqual([expect.objectContaining({ message: 'Unknown journal cursor' })]);
    await expect.poll(() => logFollowers(server).followerCount).toBe(0);
  });
});

/** The newest journal entries of the Nextcloud unit (messages or cursors), oldest first, through logs.paginated. */
async function newestNextcloud(limit: number, field: 'message' | 'cursor' = 'message'): Promise<string[]> {
  const { body } = await gql(server, `{ logs { paginated(limit: ${limit}, filterByUnit: "${NEXTCLOUD}") { entries { message cursor } } } }`, undefined, server.token);
  return (body.data.logs.paginated.entries as Record<string, string>[]).map((e) => e[field]!);
}
