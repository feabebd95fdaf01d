import { describe, expect, it } from 'vitest';
import { InMemoryLogSource } from '../../../test/fakes/in-memory-logs.js';
import { CoreError } from '../errors.js';
import { LOG_MESSAGES, getLogPage } from './log-pages.js';

function journal(count: number): InMemoryLogSource {
  const logs = new InMemoryLogSource();
  for (let i = 1; i <= count; i += 1) logs.append(i % 10 === 0 ? '' : `line ${i}`, i % 2 ? 'a.service' : 'b.service');
  return logs;
}

describe('getLogPage', () => {
  it('returns the newest entries oldest first, with the first and last cursors as pageMeta', async () => {
    const page = await getLogPage({ logs: journal(30) }, { limit: 3 });

    expect(page.entries.map((e) => e.message)).toEqual(['line 27', 'line 28', 'line 29']);
    expect(page).toMatchObject({ upCursor: 'c27', downCursor: 'c29' });
  });

  it('pages older entries with downCursor and newer ones with upCursor, skipping empty messages', async () => {
    const logs = journal(30);

    const older = await getLogPage({ logs }, { limit: 3, downCursor: 'c12' });
    const newer = await getLogPage({ logs }, { limit: 3, upCursor: 'c8' });

    expect(older.entries.map((e) => e.cursor)).toEqual(['c8', 'c9', 'c11']);
    expect(newer.entries.map((e) => e.cursor)).toEqual(['c9', 'c11', 'c12']);
  });

  it('filters by unit and slice together', async () => {
    const page = await getLogPage({ logs: journal(30) }, { limit: 2, filterByUnit: 'b.service', filterBySlice: 'system.slice' });

    expect(page.entries.map((e) => e.message)).toEqual(['line 26', 'line 28']);
  });

  it('answers an empty page with null cursors', async () => {
    expect(await getLogPage({ logs: journal(0) }, { limit: 5 })).toEqual({ upCursor: null, downCursor: null, entries: [] });
  });

  it('refuses more than 50 entries and both cursors at once with the reference messages', async () => {
    const logs = journal(5);

    await expect(getLogPage({ logs }, { limit: 51 })).rejects.toEqual(new CoreError('INVALID_INPUT', LOG_MESSAGES.tooMany));
    await expect(getLogPage({ logs }, { limit: 5, upCursor: 'c1', downCursor: 'c2' })).rejects.toEqual(new CoreError('INVALID_INPUT', LOG_MESSAGES.bothCursors));
    expect(LOG_MESSAGES.tooMany).toBe("You can't fetch more than 50 entries via single request.");
  });
});
