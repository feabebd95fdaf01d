import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachedSnapshot, DEFAULT_BACKUP_SETTINGS } from '../../src/core/backups/backup-ports.js';
import { type Database, openPostgres } from '../../src/infra/db/database.js';
import { DrizzleBackupStateRepository } from '../../src/infra/db/drizzle-backup-state.repository.js';
import { BACKENDS } from './backends.js';

const SNAPSHOTS: CachedSnapshot[] = [
  { id: '217b84fd', fullId: '217b84fd82a27c48a50bd46c894755f585f9eb0904bcad2f1dc0482b7310ec4d', serviceId: 'nextcloud', reason: 'AUTO', createdAt: new Date('2026-11-29T19:21:26.008Z'), paths: ['/var/lib/nextcloud'] },
  { id: '65339632', fullId: '', serviceId: 'mailserver', reason: 'EXPLICIT', createdAt: new Date('2026-11-30T00:00:00Z'), paths: ['/var/vmail', '/var/sieve'] },
  { id: '0a0b0c0d', fullId: '0a0b0c0d11', serviceId: 'nextcloud', reason: 'PRE_RESTORE', createdAt: new Date('2026-12-01T08:00:00Z'), paths: [] },
];

describe.each(BACKENDS)('backup state on $name', (backend) => {
  let database: Database & { url?: string; dispose(): Promise<void> };
  let second: Database | undefined;
  let state: DrizzleBackupStateRepository;
  /** Another API process: its own connection on PostgreSQL, the same database on PGlite. */
  let other: DrizzleBackupStateRepository;

  beforeEach(async () => {
    database = await backend.open();
    second = database.url ? await openPostgres(database.url) : undefined;
    state = new DrizzleBackupStateRepository(database.db);
    other = new DrizzleBackupStateRepository((second ?? database).db);
  });

  afterEach(async () => {
    await second?.close();
    await database.dispose();
  });

  it('reads the defaults before anything is stored: provider NONE, not initialised, no period, unlimited quotas, no snapshots', async () => {
    expect(await state.readSettings()).toEqual(DEFAULT_BACKUP_SETTINGS);
    expect(await state.listSnapshots()).toEqual([]);
    expect(await state.lastBackedUp('nextcloud')).toBeUndefined();
  });

  it('applies patches field by field: what a patch leaves out stays as it was', async () => {
    const first = await state.updateSettings({ provider: 'BACKBLAZE', login: 'key-id', providerKey: 'app-key', locationName: 'bucket', locationId: 'b-1' });
    await state.updateSettings({ initialized: true, autobackupPeriodMinutes: 60 });
    const last = await other.updateSettings({ quotas: { last: 3, daily: 7, weekly: 4, monthly: 12, yearly: -1 } });
    const disabled = await state.updateSettings({ autobackupPeriodMinutes: null });

    expect(first).toEqual({ ...DEFAULT_BACKUP_SETTINGS, provider: 'BACKBLAZE', login: 'key-id', providerKey: 'app-key', locationName: 'bucket', locationId: 'b-1' });
    expect(last).toEqual({
      provider: 'BACKBLAZE', login: 'key-id', providerKey: 'app-key', locationName: 'bucket', locationId: 'b-1', initialized: true,
      autobackupPeriodMinutes: 60, quotas: { last: 3, daily: 7, weekly: 4, monthly: 12, yearly: -1 },
    });
    expect(disabled.autobackupPeriodMinutes).toBeNull();
    expect(await other.readSettings()).toEqual({ ...last, autobackupPeriodMinutes: null });
    expect(await state.updateSettings({})).toEqual(await state.readSettings());
  });

  it('keeps both of two concurrent patches of different fields from two connections, from the first row on', async () => {
    for (let round = 0; round < 15; round++) {
      await Promise.all([
        state.updateSettings({ login: `login-${round}`, initialized: round % 2 === 0 }),
        other.updateSettings({ autobackupPeriodMinutes: round + 1, quotas: { last: round, daily: -1, weekly: -1, monthly: -1, yearly: round } }),
      ]);

      expect(await state.readSettings()).toMatchObject({
        login: `login-${round}`, initialized: round % 2 === 0, autobackupPeriodMinutes: round + 1, quotas: { last: round, yearly: round },
      });
    }
  });

  it('answers two concurrent first encryptionKey calls with the same key, and never replaces it', async () => {
    const [a, b] = await Promise.all([state.encryptionKey(() => 'key-from-a'), other.encryptionKey(() => 'key-from-b')]);
    let calledAgain = false;

    const later = await other.encryptionKey(() => {
      calledAgain = true;
      return 'key-from-c';
    });

    expect(a).toBe(b);
    expect(['key-from-a', 'key-from-b']).toContain(a);
    expect(later).toBe(a);
    expect(calledAgain).toBe(false);
  });

  it('gives the key once set with setEncryptionKey, also when settings were stored first', async () => {
    await state.updateSettings({ provider: 'FILE' });
    expect(await state.encryptionKey(() => 'generated')).toBe('generated');

    await other.setEncryptionKey('the user\'s own key');

    expect(await state.encryptionKey(() => 'unused')).toBe('the user\'s own key');
    expect(await state.readSettings()).toMatchObject({ provider: 'FILE' });
  });

  it('forgetRepository keeps the key and clears the settings, the snapshot cache and the last-backup times', async () => {
    await state.updateSettings({ provider: 'FILE', locationName: '/srv/backups', initialized: true, autobackupPeriodMinutes: 30, quotas: { last: 1, daily: 2, weekly: 3, monthly: 4, yearly: 5 } });
    const key = await state.encryptionKey(() => 'kept key');
    await state.replaceSnapshots(SNAPSHOTS);
    await state.setLastBackedUp('nextcloud', '217b84fd', new Date('2026-11-29T19:21:26Z'));

    await other.forgetRepository();

    expect(await state.readSettings()).toEqual(DEFAULT_BACKUP_SETTINGS);
    expect(await state.listSnapshots()).toEqual([]);
    expect(await state.lastBackedUp('nextcloud')).toBeUndefined();
    expect(await state.encryptionKey(() => 'a new key')).toBe(key);
  });

  it('replaceSnapshots round-trips every field (oldest first) and a later replace leaves only the new list', async () => {
    await state.replaceSnapshots([SNAPSHOTS[2]!, SNAPSHOTS[0]!, SNAPSHOTS[1]!]);

    expect(await other.listSnapshots()).toEqual(SNAPSHOTS);

    await other.replaceSnapshots([SNAPSHOTS[1]!]);
    expect(await state.listSnapshots()).toEqual([SNAPSHOTS[1]]);

    await state.replaceSnapshots([]);
    expect(await other.listSnapshots()).toEqual([]);
  });

  it('replaceSnapshots keeps the old cache whole when the new list cannot be stored', async () => {
    await state.replaceSnapshots(SNAPSHOTS);
    const broken = { ...SNAPSHOTS[0]!, id: 'ffffffff', serviceId: null as unknown as string };

    await expect(state.replaceSnapshots([SNAPSHOTS[1]!, broken])).rejects.toThrow();

    expect(await other.listSnapshots()).toEqual(SNAPSHOTS);
  });

  it('remembers the last backup of each service, the newest one replacing the older', async () => {
    await state.setLastBackedUp('nextcloud', '217b84fd', new Date('2026-11-29T19:21:26Z'));
    await other.setLastBackedUp('nextcloud', '0a0b0c0d', new Date('2026-12-01T08:00:00Z'));
    await state.setLastBackedUp('mailserver', '65339632', new Date('2026-11-30T00:00:00Z'));

    expect(await state.lastBackedUp('nextcloud')).toEqual({ snapshotId: '0a0b0c0d', at: new Date('2026-12-01T08:00:00Z') });
    expect(await other.lastBackedUp('mailserver')).toEqual({ snapshotId: '65339632', at: new Date('2026-11-30T00:00:00Z') });
    expect(await other.lastBackedUp('gitea')).toBeUndefined();
  });
});
