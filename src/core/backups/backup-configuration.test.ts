import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, testRepository } from '../../../test/fakes/backup-deps.js';
import { CoreError } from '../errors.js';
import {
  backupConfiguration, initializeRepository, removeRepository, repositoryOf, setAutobackupPeriod,
} from './backup-configuration.js';
import { allSnapshots } from './snapshots.js';

let deps: BackupDeps;
beforeEach(async () => (deps = await backupDeps()));
afterEach(() => deps.close());

describe('backupConfiguration', () => {
  it('answers NONE, not initialised, no period, unlimited quotas, and generates a 342-character URL-safe key once', async () => {
    const first = await backupConfiguration(deps);
    const second = await backupConfiguration(deps);

    expect(first).toMatchObject({
      provider: 'NONE', isInitialized: false, autobackupPeriod: null, locationName: '', locationId: '',
      autobackupQuotas: { last: -1, daily: -1, weekly: -1, monthly: -1, yearly: -1 },
    });
    expect(first.encryptionKey).toMatch(/^[A-Za-z0-9_-]{342}$/);
    expect(second.encryptionKey).toBe(first.encryptionKey);
    expect(deps.restic.calls).toEqual([]);
  });

  it('asks restic while the flag is unset and stores a yes', async () => {
    const key = (await backupConfiguration(deps)).encryptionKey;
    deps.restic.repositories.set('FILE:/backups', { key, snapshots: [] });
    await deps.backupState.updateSettings({ provider: 'FILE', locationName: '/backups' });

    expect((await backupConfiguration(deps)).isInitialized).toBe(true);
    expect((await backupConfiguration(deps)).isInitialized).toBe(true);
    expect(deps.restic.calls).toEqual(['isInitialized FILE:/backups']);
    expect(deps.backupState.settings.initialized).toBe(true);
  });

  it('answers not initialised when restic cannot open the repository', async () => {
    deps.restic.repositories.set('FILE:/backups', { key: 'another key', snapshots: [] });
    await deps.backupState.updateSettings({ provider: 'FILE', locationName: '/backups' });

    expect((await backupConfiguration(deps)).isInitialized).toBe(false);
    expect(deps.backupState.settings.initialized).toBe(false);
  });
});

describe('initializeRepository', () => {
  it('creates a FILE repository with the key, stores the provider and sets the flag', async () => {
    const configuration = await initializeRepository(deps, TEST_REPOSITORY);

    expect(configuration).toMatchObject({ provider: 'FILE', locationName: '/backups', isInitialized: true });
    expect(deps.restic.calls).toEqual(['isInitialized FILE:/backups', 'init FILE:/backups', 'snapshots']);
    expect(deps.restic.repositories.get('FILE:/backups')?.key).toBe(configuration.encryptionKey);
  });

  it('connects to a repository that already exists there with the key, and lists its snapshots', async () => {
    const key = (await backupConfiguration(deps)).encryptionKey;
    deps.restic.repositories.set('FILE:/backups', { key, snapshots: [] });
    deps.restic.addSnapshot(testRepository(deps), { serviceId: 'nextcloud', time: new Date('2026-04-01T00:00:00Z'), files: { '/x': 'x' } });

    const configuration = await initializeRepository(deps, TEST_REPOSITORY);

    expect(configuration.isInitialized).toBe(true);
    expect(deps.restic.calls).not.toContain('init FILE:/backups');
    expect((await allSnapshots(deps)).map((s) => s.serviceId)).toEqual(['nextcloud']);
  });

  it('stores nothing when the key does not open the repository there', async () => {
    deps.restic.repositories.set('FILE:/backups', { key: 'another key', snapshots: [] });

    const failure = await initializeRepository(deps, TEST_REPOSITORY).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(CoreError);
    expect(failure).toMatchObject({ code: 'BACKUP_FAILED', message: expect.stringContaining('wrong password') });
    expect((await backupConfiguration(deps)).provider).toBe('NONE');
  });

  it('fails with restic text when init fails', async () => {
    deps.restic.fail('initRepository', 'restic init failed: Fatal: unable to open config file');

    await expect(initializeRepository(deps, TEST_REPOSITORY)).rejects.toMatchObject({
      code: 'BACKUP_FAILED', message: 'restic init failed: Fatal: unable to open config file',
    });
    expect(deps.backupState.settings.initialized).toBe(false);
  });

  it('with a local secret keeps that key and loads the snapshots already there, without init', async () => {
    deps.restic.repositories.set('FILE:/backups', { key: 'the old key', snapshots: [] });
    const repo = { ...testRepository(deps), encryptionKey: 'the old key' };
    deps.restic.addSnapshot(repo, { serviceId: 'gitea', reason: 'AUTO', time: new Date('2026-04-02T00:00:00Z'), files: { '/y': 'y' } });

    const configuration = await initializeRepository(deps, { ...TEST_REPOSITORY, localSecret: 'the old key' });

    expect(configuration).toMatchObject({ encryptionKey: 'the old key', provider: 'FILE', isInitialized: true });
    expect(deps.restic.calls).toEqual(['snapshots', 'isInitialized FILE:/backups']);
    expect(deps.backupState.snapshots).toMatchObject([{ serviceId: 'gitea', reason: 'AUTO' }]);
  });

  it('Backblaze: the bucket and its credentials make the repository', async () => {
    await initializeRepository(deps, { provider: 'BACKBLAZE', locationName: 'my-bucket', locationId: 'bucket-id', login: 'key-id', password: 'app-key' });

    expect(await repositoryOf(deps)).toEqual({
      provider: 'BACKBLAZE', location: 'my-bucket', login: 'key-id', providerKey: 'app-key', encryptionKey: deps.backupState.key,
    });
    expect((await backupConfiguration(deps)).locationId).toBe('bucket-id');
  });
});

describe('removeRepository', () => {
  it('forgets provider, period and snapshots but keeps the key; re-initialising finds the old snapshots', async () => {
    const { encryptionKey } = await initializeRepository(deps, TEST_REPOSITORY);
    await setAutobackupPeriod(deps, 60);
    deps.restic.addSnapshot(testRepository(deps), { serviceId: 'nextcloud', time: new Date('2026-04-01T00:00:00Z'), files: { '/x': 'x' } });

    const removed = await removeRepository(deps);
    const again = await initializeRepository(deps, TEST_REPOSITORY);

    expect(removed).toMatchObject({ provider: 'NONE', isInitialized: false, locationName: '', autobackupPeriod: null, encryptionKey });
    expect(again.encryptionKey).toBe(encryptionKey);
    expect((await allSnapshots(deps)).map((s) => s.serviceId)).toEqual(['nextcloud']);
  });
});

describe('setAutobackupPeriod', () => {
  it.each([
    [90, 90],
    [0, null],
    [-5, null],
    [null, null],
  ])('%s minutes is stored as %s', async (period, stored) => {
    await setAutobackupPeriod(deps, 30);

    expect((await setAutobackupPeriod(deps, period)).autobackupPeriod).toBe(stored);
  });
});

describe('repositoryOf', () => {
  it('answers BACKUP_NOT_CONFIGURED for the NONE provider', async () => {
    await expect(repositoryOf(deps)).rejects.toMatchObject({ code: 'BACKUP_NOT_CONFIGURED' });
  });
});
