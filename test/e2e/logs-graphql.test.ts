import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedJournal } from '../../src/infra/host/simulated-journal.js';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { type PageArgs, dataDirWithJournal, logPage } from './logs-helpers.js';

// logs.paginated over HTTP against a simulated journal of thousands of entries (spec §4.2, §8).

let server: TestServer;
let journal: SimulatedJournal;

beforeAll(async () => {
  const seeded = dataDirWithJournal(3000);
  journal = seeded.journal;
  server = await startTestServer({ dataDir: seeded.dataDir });
});

afterAll(async () => {
  await server?.close();
});

interface Entry {
  message: string;
  timestamp: string;
  priority: number | null;
  systemdUnit: string | null;
  systemdSlice: string | null;
  cursor: string;
}

/** Follows pageMeta in one direction until a page comes back empty; returns every entry, oldest first. */
async function walk(direction: 'older' | 'newer', filters: PageArgs, start?: string): Promise<{ entries: Entry[]; pages: number }> {
  let entries: Entry[] = [];
  let cursor = start;
  let pages = 0;
  while (true) {
    const args = direction === 'older' ? { downCursor: cursor } : { upCursor: cursor };
    const { status, body } = await logPage(server, { limit: 50, ...filters, ...args });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const page = body.data.logs.paginated as { pageMeta: { upCursor: string | null; downCursor: string | null }; entries: Entry[] };
    pages += 1;
    if (page.entries.length === 0) {
      expect(page.pageMeta).toEqual({ upCursor: null, downCursor: null });
      return { entries, pages };
    }
    expect(page.pageMeta).toEqual({ upCursor: page.entries[0]!.cursor, downCursor: page.entries.at(-1)!.cursor });
    entries = direction === 'older' ? [...page.entries, ...entries] : [...entries, ...page.entries];
    cursor = direction === 'older' ? page.pageMeta.upCursor! : page.pageMeta.downCursor!;
  }
}

const expected = (keep: (e: { systemdUnit: string | null; systemdSlice: string | null }) => boolean) =>
  journal.all().filter((e) => e.message !== '' && keep(e)).map((e) => e.cursor);

describe('logs.paginated', () => {
  it('pages the whole journal back from the newest entries, then forward again, skipping empty messages', async () => {
    const first = await logPage(server, { limit: 5 });
    const down = await walk('older', {}, first.body.data.logs.paginated.pageMeta.upCursor);
    const up = await walk('newer', {}, down.entries[0]!.cursor);

    const all = [...down.entries, ...first.body.data.logs.paginated.entries];
    expect(all.map((e) => e.cursor)).toEqual(expected(() => true));
    expect(all.length).toBeGreaterThan(3000);
    expect(up.entries.map((e) => e.cursor)).toEqual(all.slice(1).map((e) => e.cursor));
    expect(down.pages).toBeGreaterThan(60);
  });

  it('gives each entry the contract fields: naive local timestamp, priority, unit and slice', async () => {
    const { body } = await logPage(server, { limit: 3, filterByUnit: 'session-1.scope' });

    const entry = body.data.logs.paginated.entries.at(-1) as Entry;
    const stored = journal.all().find((e) => e.cursor === entry.cursor)!;
    expect(entry).toEqual({
      message: stored.message,
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/),
      priority: stored.priority,
      systemdUnit: 'session-1.scope',
      systemdSlice: 'user-1000.slice',
      cursor: stored.cursor,
    });
  });

  it('filters by unit, and by slice and unit together, in both directions', async () => {
    const postfix = await walk('older', { filterByUnit: 'postfix.service' });
    const sessions = await walk('older', { filterBySlice: 'user-1000.slice', filterByUnit: 'session-1.scope' });
    const systemSlice = await walk('newer', { filterBySlice: 'system.slice' }, journal.all()[0]!.cursor);

    expect(postfix.entries.map((e) => e.cursor)).toEqual(expected((e) => e.systemdUnit === 'postfix.service'));
    expect(postfix.entries.length).toBeGreaterThan(950);
    expect(sessions.entries.map((e) => e.cursor)).toEqual(expected((e) => e.systemdUnit === 'session-1.scope' && e.systemdSlice === 'user-1000.slice'));
    expect(systemSlice.entries.map((e) => e.cursor)).toEqual(expected((e) => e.systemdSlice === 'system.slice'));
  });

  it('answers the reference errors: over 50 entries, both cursors, an unknown cursor', async () => {
    const tooMany = await logPage(server, { limit: 51 });
    const both = await logPage(server, { upCursor: journal.all()[5]!.cursor, downCursor: journal.all()[9]!.cursor });
    const unknown = await logPage(server, { downCursor: 's=nope;i=1' });

    expect(tooMany.body.errors?.[0]?.message).toBe("You can't fetch more than 50 entries via single request.");
    expect(both.body.errors?.[0]?.message).toBe('Pagination by both up_cursor and down_cursor is not implemented');
    expect(unknown.body.errors?.[0]).toMatchObject({ message: 'Unknown journal cursor', extensions: { code: 'INVALID_INPUT' } });
  });

  it('is refused without a token', async () => {
    const { body } = await gql(server, '{ logs { paginated { entries { message } } } }');

    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toBe('You must be authenticated to access this resource.');
  });
});
