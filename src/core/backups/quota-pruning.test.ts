import { afterEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, testRepository } from '../../../test/fakes/backup-deps.js';
import { loadServiceDefinitions } from '../services/service-registry.js';
import { initializeRepository } from './backup-configuration.js';
import type { AutobackupQuotas, CachedSnapshot } from './backup-ports.js';
import { isoWeek, pruneAutoSnapshots, snapshotsToForget } from './quota-pruning.js';
import { runServiceBackup } from './service-backup.js';

// Dates are built in local time, as the rules read them (the reference's own cases use naive dates).
const local = (year: number, month: number, day: number, hour = 0, minute = 0) => new Date(year, month - 1, day, hour, minute);
/** Wednesday 25 January 2023, 10:00 (ISO week 4), minus a wall-clock interval. */
const ago = (days: number, hours = 0, minutes = 0) => local(2023, 1, 25 - days, 10 - hours, -minutes);

const ZERO: AutobackupQuotas = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
const UNLIMITED: AutobackupQuotas = { last: -1, daily: -1, weekly: -1, monthly: -1, yearly: -1 };
const only = (quotas: Partial<AutobackupQuotas>): AutobackupQuotas => ({ ...ZERO, ...quotas });

// The reference's main history (tests/test_autobackup.py, test_autobackup_snapshots_pruning), newest first.
const MAIN: Record<string, Date> = {
  now: ago(0),
  '-5m': ago(0, 0, 5),
  '-2h': ago(0, 2),
  '-5h': ago(0, 5),
  '-1d': ago(1),
  '-1d2h': ago(1, 2),
  '-1d3h': ago(1, 3),
  '-2d': ago(2),
  '-7d': ago(7),
  '-12d': ago(12),
  '-23d': ago(23),
  '-28d': ago(28),
  '-32d': ago(32),
  '-47d': ago(47),
  '-64d': ago(64),
  '-84d': ago(84),
  '-104d': ago(104),
  '-2y': ago(365 * 2),
};
const BOTTLENECK: Record<string, Date> = { now: ago(0), '-5m': ago(0, 0, 5), '-2h': ago(0, 2), '-3h': ago(0, 3), '-4h': ago(0, 4) };
const YEARS: Record<string, Date> = {
  '2055-03': local(2055, 3, 1),
  '2055-02': local(2055, 2, 1),
  '2023-04': local(2023, 4, 1),
  '2023-03': local(2023, 3, 1),
  '2023-02': local(2023, 2, 1),
  '2021-02': local(2021, 2, 1),
};
// 1 January 2023 is a Sunday: ISO week 52 of 2022, keyed 202352 (calendar year), unlike 31 December 2022 (202252).
const EDGE_WEEK: Record<string, Date> = {
  '2023-01-06': local(2023, 1, 6),
  '2023-01-01': local(2023, 1, 1),
  '2022-12-31': local(2022, 12, 31),
  '2022-12-30': local(2022, 12, 30),
};
const BIG_GAP: Record<string, Date> = {
  '2023-01-06': local(2023, 1, 6),
  '2023-01-02': local(2023, 1, 2),
  '2022-10-31': local(2022, 10, 31),
  '2022-10-30': local(2022, 10, 30),
};
// 30 December 2024 is in ISO week 1 of 2025 but keyed 202401 (calendar year), the key of 2 January 2024.
const CALENDAR_YEAR_WEEK: Record<string, Date> = {
  '2024-12-30': local(2024, 12, 30),
  '2024-01-02': local(2024, 1, 2),
  '2023-12-20': local(2023, 12, 20),
};
const MIDNIGHT: Record<string, Date> = {
  '02 00:30': local(2024, 3, 2, 0, 30),
  '01 23:30': local(2024, 3, 1, 23, 30),
  '01 08:00': local(2024, 3, 1, 8),
  '01 00:10': local(2024, 3, 1, 0, 10),
  '02-28 12:00': local(2024, 2, 28, 12),
};

interface Case {
  name: string;
  history: Record<string, Date>;
  quotas: AutobackupQuotas;
  kept: string[];
}

const CASES: Case[] = [
  // the reference's cases
  { name: 'unlimited quotas keep everything', history: MAIN, quotas: UNLIMITED, kept: Object.keys(MAIN) },
  { name: 'last 2 and daily 2', history: MAIN, quotas: only({ last: 2, daily: 2 }), kept: ['now', '-5m', '-1d'] },
  { name: 'weekly 4', history: MAIN, quotas: only({ weekly: 4 }), kept: ['now', '-7d', '-12d', '-23d'] },
  { name: 'monthly 7 (and the oldest)', history: MAIN, quotas: only({ monthly: 7 }), kept: ['now', '-28d', '-64d', '-104d', '-2y'] },
  { name: 'yearly 2', history: YEARS, quotas: only({ yearly: 2 }), kept: ['2055-03', '2023-04'] },
  { name: 'bottleneck: last 1 and yearly 2', history: BOTTLENECK, quotas: only({ last: 1, yearly: 2 }), kept: ['now', '-4h'] },
  { name: 'bottleneck: yearly 2 keeps the oldest too', history: BOTTLENECK, quotas: only({ yearly: 2 }), kept: ['now', '-4h'] },
  { name: 'bottleneck: monthly 2', history: BOTTLENECK, quotas: only({ monthly: 2 }), kept: ['now', '-4h'] },
  { name: 'bottleneck: weekly 2', history: BOTTLENECK, quotas: only({ weekly: 2 }), kept: ['now', '-4h'] },
  { name: 'bottleneck: daily 2', history: BOTTLENECK, quotas: only({ daily: 2 }), kept: ['now', '-4h'] },
  { name: 'edge week: weekly 2 across New Year', history: EDGE_WEEK, quotas: only({ weekly: 2 }), kept: ['2023-01-06', '2023-01-01'] },
  { name: 'big gap: weekly 2', history: BIG_GAP, quotas: only({ weekly: 2 }), kept: ['2023-01-06', '2022-10-31'] },
  // the spec's rules beyond them
  { name: 'all quotas 0 keep nothing', history: MAIN, quotas: ZERO, kept: [] },
  { name: 'last 3 alone keeps the three newest', history: MAIN, quotas: only({ last: 3 }), kept: ['now', '-5m', '-2h'] },
  {
    name: 'daily unlimited keeps the newest of each day and the oldest',
    history: MAIN,
    quotas: only({ daily: -1 }),
    kept: ['now', '-1d', '-2d', '-7d', '-12d', '-23d', '-28d', '-32d', '-47d', '-64d', '-84d', '-104d', '-2y'],
  },
  { name: 'yearly 10 keeps the newest of each year', history: MAIN, quotas: only({ yearly: 10 }), kept: ['now', '-28d', '-2y'] },
  { name: 'a spent quota no longer keeps the oldest', history: MAIN, quotas: only({ daily: 1 }), kept: ['now'] },
  {
    name: 'weekly keys use the calendar year, not the ISO year',
    history: CALENDAR_YEAR_WEEK,
    quotas: only({ weekly: -1 }),
    kept: ['2024-12-30', '2023-12-20'],
  },
  {
    name: 'days change at local midnight',
    history: MIDNIGHT,
    quotas: only({ daily: 3 }),
    kept: ['02 00:30', '01 23:30', '02-28 12:00'],
  },
  { name: 'a lone snapshot is kept by any open bucket', history: { only: ago(0) }, quotas: only({ monthly: 1 }), kept: ['only'] },
  { name: 'a lone snapshot goes with all quotas 0', history: { only: ago(0) }, quotas: ZERO, kept: [] },
  { name: 'no snapshots, nothing to forget', history: {}, quotas: only({ last: 1 }), kept: [] },
];

function snapshotsOf(history: Record<string, Date>): CachedSnapshot[] {
  return Object.entries(history).map(([id, createdAt]) => ({ id, fullId: '', serviceId: 'nextcloud', reason: 'AUTO', createdAt, paths: [] }));
}

describe('snapshotsToForget', () => {
  it.each(CASES)('$name', ({ history, quotas, kept }) => {
    const snapshots = snapshotsOf(history);

    const forgotten = snapshotsToForget(snapshots, quotas).map((s) => s.id);

    expect(forgotten).toEqual(Object.keys(history).filter((id) => !kept.includes(id)));
  });

  it('sorts by time itself: a shuffled history forgets the same snapshots, and the input is left as it was', () => {
    const snapshots = snapshotsOf(MAIN);
    const shuffled = [snapshots[5]!, snapshots[17]!, snapshots[0]!, ...snapshots.slice(6, 17), snapshots[1]!, ...snapshots.slice(2, 5)];
    const before = shuffled.map((s) => s.id);

    const forgotten = snapshotsToForget(shuffled, only({ last: 2, daily: 2 })).map((s) => s.id);

    expect(forgotten.sort()).toEqual(Object.keys(MAIN).filter((id) => !['now', '-5m', '-1d'].includes(id)).sort());
    expect(shuffled.map((s) => s.id)).toEqual(before);
  });
});

describe('isoWeek', () => {
  it.each([
    [local(2023, 1, 1), 52],
    [local(2023, 1, 2), 1],
    [local(2023, 1, 25), 4],
    [local(2020, 12, 31), 53],
    [local(2021, 1, 3), 53],
    [local(2021, 1, 4), 1],
    [local(2024, 12, 30), 1],
    [local(2026, 12, 31), 53],
  ])('%s is in ISO week %i', (date, week) => {
    expect(isoWeek(date)).toBe(week);
  });
});

describe('pruneAutoSnapshots', () => {
  const opened: BackupDeps[] = [];
  afterEach(async () => {
    for (const deps of opened.splice(0)) await deps.close();
  });

  /** A FILE repository, Nextcloud's folder with a file, the quotas set; backs Nextcloud up with a reason, a minute apart. */
  async function pruneTest(quotas: AutobackupQuotas) {
    const deps = await backupDeps();
    opened.push(deps);
    await deps.put('/var/lib/nextcloud/data/alice/files/notes.txt', 'notes');
    await initializeRepository(deps, TEST_REPOSITORY);
    await deps.backupState.updateSettings({ quotas });
    const nextcloud = (await loadServiceDefinitions(deps)).find((s) => s.id === 'nextcloud')!;
    const backUp = async (reason: 'AUTO' | 'EXPLICIT') => {
      deps.clock.advance(60_000);
      return runServiceBackup(deps, nextcloud, reason);
    };
    const inRepository = () => deps.restic.snapshotsIn(testRepository(deps)).map((s) => s.id);
    return { deps, backUp, inRepository };
  }

  it('runs after each automatic backup: the snapshots beyond the quotas are forgotten in the repository and the cache', async () => {
    const { deps, backUp, inRepository } = await pruneTest({ ...ZERO, last: 2 });
    const explicit = await backUp('EXPLICIT');
    const first = await backUp('AUTO');
    const second = await backUp('AUTO');
    expect(inRepository()).toEqual([explicit, first, second]);

    const third = await backUp('AUTO');

    expect(deps.restic.calls.filter((c) => c.startsWith('forget'))).toEqual([`forget ${first}`]);
    expect(inRepository()).toEqual([explicit, second, third]);
    expect(deps.backupState.snapshots.map((s) => s.id)).toEqual([explicit, second, third]);
  });

  it('does not run after an explicit backup', async () => {
    const { deps, backUp, inRepository } = await pruneTest(ZERO);
    const auto = await backUp('AUTO'); // all quotas 0: forgotten at once
    expect(inRepository()).toEqual([]);

    const explicit = await backUp('EXPLICIT');

    expect(deps.restic.calls.filter((c) => c.startsWith('forget'))).toEqual([`forget ${auto}`]);
    expect(inRepository()).toEqual([explicit]);
  });

  it('fails the automatic backup loudly when the forget fails, the new snapshot kept', async () => {
    const { deps, backUp, inRepository } = await pruneTest({ ...ZERO, last: 1 });
    const first = await backUp('AUTO');
    deps.restic.fail('forget', 'Fatal: unable to create lock in backend: repository is already locked exclusively');

    await expect(backUp('AUTO')).rejects.toThrow('repository is already locked exclusively');

    const job = (await deps.jobs.list()).filter((j) => j.typeId === 'services.nextcloud.backup').at(-1);
    expect(job).toMatchObject({ status: 'ERROR', error: 'Fatal: unable to create lock in backend: repository is already locked exclusively' });
    expect(inRepository()).toHaveLength(2);
    expect(inRepository()[0]).toBe(first);
  });

  it('answers the forgotten ids, and calls no restic when nothing goes', async () => {
    const { deps, backUp } = await pruneTest(UNLIMITED);
    await backUp('AUTO');
    await backUp('AUTO');
    const calls = deps.restic.calls.length;

    expect(await pruneAutoSnapshots(deps, 'nextcloud')).toEqual([]);
    expect(deps.restic.calls.slice(calls).filter((c) => c.startsWith('forget') || c === 'snapshots')).toEqual([]);

    await deps.backupState.updateSettings({ quotas: ZERO });
    const ids = deps.backupState.snapshots.map((s) => s.id);

    expect(await pruneAutoSnapshots(deps, 'nextcloud')).toEqual(ids);
  });
});
