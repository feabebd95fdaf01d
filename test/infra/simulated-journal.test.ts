import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_MESSAGES } from '../../src/core/logs/log-pages.js';
import type { LogEntry } from '../../src/core/logs/log-types.js';
import { JournalSegments } from '../../src/infra/host/journal-segments.js';
import { openSimulatedJournal } from '../../src/infra/host/simulated-journal-history.js';
import { SimulatedJournal } from '../../src/infra/host/simulated-journal.js';
import { sampleHostState } from '../../src/infra/host/simulated-host-state.js';
import { silentLogger } from '../fakes/fake-deps.js';

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-sim-journal-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const now = () => new Date('2025-03-01T12:00:00Z');
const units = Object.keys(sampleHostState().units);

describe('SimulatedJournal', () => {
  it('starts with a boot of history: hundreds of entries from the kernel, systemd and the services', () => {
    const journal = openSimulatedJournal(join(tempDir(), 'journal'), now, units, silentLogger);

    const entries = journal.all();
    expect(entries.length).toBeGreaterThan(300);
    expect(entries.some((e) => e.systemdUnit === null && e.message.startsWith('Linux version'))).toBe(true);
    expect(entries.some((e) => e.systemdUnit === 'init.scope' && e.message === 'Started nginx.')).toBe(true);
    expect(entries.filter((e) => e.systemdUnit === 'dovecot.service').length).toBeGreaterThan(20);
    expect(entries.every((e, i) => i === 0 || e.timestamp >= entries[i - 1]!.timestamp)).toBe(true);
    expect(entries.at(-1)!.timestamp.getTime()).toBeLessThanOrEqual(now().getTime());
  });

  it('keeps its entries and cursors across a restart, in owner-only files', async () => {
    const dir = join(tempDir(), 'journal');
    const first = openSimulatedJournal(dir, now, units, silentLogger);
    const added = first.append('nginx.service', 'after boot');

    const again = openSimulatedJournal(dir, now, units, silentLogger);

    expect(again.all().length).toBe(first.all().length);
    const { seq: _seq, ...expected } = added;
    expect(await again.page({ filter: {}, limit: 1, from: 'newest' })).toEqual([expected]);
    expect(statSync(join(dir, 'current.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('stays bounded on disk: a full file rotates once and the oldest entries go', () => {
    const dir = join(tempDir(), 'journal');
    const journal = new SimulatedJournal(now, new JournalSegments(dir));

    for (let i = 0; i < 25; i += 1) journal.appendAll(Array.from({ length: 1000 }, (_, j) => ({ unit: 'a.service', message: `m ${i * 1000 + j}` })));

    const lines = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').split('\n').length - 1);
    expect(readdirSync(dir).sort()).toEqual(['current.jsonl', 'previous.jsonl']);
    expect(lines.reduce((a, b) => a + b)).toBe(15_000);
    expect(new SimulatedJournal(now, new JournalSegments(dir)).all()[0]!.message).toBe('m 10000');
  });

  it('skips an unreadable line on disk with a log line', () => {
    const dir = join(tempDir(), 'journal');
    new SimulatedJournal(now, new JournalSegments(dir)).append('a.service', 'kept');
    writeFileSync(join(dir, 'current.jsonl'), `${readFileSync(join(dir, 'current.jsonl'), 'utf8')}{not json\n`);
    const skipped: number[] = [];

    const journal = new SimulatedJournal(now, new JournalSegments(dir, (_file, line) => skipped.push(line)));

    expect(journal.all().map((e) => e.message)).toEqual(['kept']);
    expect(skipped).toEqual([2]);
  });

  it('pages by cursor both ways with unit and slice filters, like journald', async () => {
    const journal = new SimulatedJournal(now);
    for (let i = 1; i <= 100; i += 1) journal.append(i % 3 === 0 ? 'a.service' : 'session-1.scope', i % 10 === 0 ? '' : `m${i}`);
    const cursorOf = (message: string) => journal.all().find((e) => e.message === message)!.cursor;
    const messages = (entries: LogEntry[]) => entries.map((e) => e.message);

    expect(messages(await journal.page({ filter: { units: ['a.service'] }, limit: 3, from: 'newest' }))).toEqual(['m93', 'm96', 'm99']);
    expect(messages(await journal.page({ filter: { units: ['a.service'] }, limit: 3, from: 'olderThan', cursor: cursorOf('m93') }))).toEqual(['m81', 'm84', 'm87']);
    expect(messages(await journal.page({ filter: { slice: 'user-1000.slice' }, limit: 3, from: 'newerThan', cursor: cursorOf('m8') }))).toEqual(['m11', 'm13', 'm14']);
    expect(messages(await journal.page({ filter: {}, limit: 3, from: 'newerThan', cursor: cursorOf('m8'), keepEmpty: true }))).toEqual(['m9', '', 'm11']);
    expect(messages(await journal.page({ filter: { units: ['a.service', 'session-1.scope'] }, limit: 2, from: 'newest' }))).toEqual(['m98', 'm99']);
  });

  it('refuses a cursor that is not one of its own', async () => {
    const journal = new SimulatedJournal(now);
    journal.append('a.service', 'x');

    for (const cursor of ['', 'garbage', 's=0123;i=1', 'i=zz']) {
      await expect(journal.page({ filter: {}, limit: 1, from: 'olderThan', cursor })).rejects.toThrow(LOG_MESSAGES.unknownCursor);
    }
  });

  it('follows from a cursor: the entries after it, then new ones, filtered', async () => {
    const journal = new SimulatedJournal(now);
    const first = journal.append('a.service', 'one');
    journal.append('b.service', 'other');
    journal.append('a.service', 'two');
    const stop = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const entry of journal.follow({ units: ['a.service'] }, first.cursor, stop.signal)) {
        seen.push(entry.message);
        if (seen.length === 1) journal.append('a.service', 'three');
        if (seen.length === 2) stop.abort();
      }
    })();

    await following;

    expect(seen).toEqual(['two', 'three']);
  });
});
