import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupDeps, TEST_REPOSITORY, backupDeps, testRepository } from '../../../test/fakes/backup-deps.js';
import { initializeRepository } from './backup-configuration.js';
import { ResticError } from './backup-types.js';
import { allSnapshots, findSnapshot, forgetSnapshot, reloadSnapshots, serviceSnapshots } from './snapshots.js';

let deps: BackupDeps;
beforeEach(async () => (deps = await backupDeps()));
afterEach(() => deps.close());

const april = (day: number) => new Date(`2026-04-${String(day).padStart(2, '0')}T10:00:00Z`);

async function withSnapshots() {
  await initializeRepository(deps, TEST_REPOSITORY);
  const repo = testRepository(deps);
  const a = deps.restic.addSnapshot(repo, { serviceId: 'nextcloud', time: april(2), files: { '/a': 'a' } });
  const b = deps.restic.addSnapshot(repo, { serviceId: 'gitea', reason: 'AUTO', time: april(1), files: { '/b': 'b' } });
  return { a, b };
}

describe('allSnapshots', () => {
  it('is empty while no repository is initialised, without asking restic', async () => {
    deps.backupState.snapshots = [{ id: 'aaaaaaaa', fullId: '', serviceId: 'nextcloud', reason: 'EXPLICIT', createdAt: april(1), paths: [] }];

    expect(await allSnapshots(deps)).toEqual([]);
    expect(deps.restic.calls).toEqual([]);
  });

  it('answers the cache, not restic', async () => {
    await withSnapshots();
    deps.restic.calls.length = 0;

    expect(await allSnapshots(deps)).toEqual([]);
    expect(deps.restic.calls).toEqual([]);
  });
});

describe('reloadSnapshots', () => {
  it('replaces the whole cache with restic list, oldest first, with service and reason from the tags', async () => {
    const { a, b } = await withSnapshots();
    deps.backupState.snapshots = [{ id: 'deadbeef', fullId: '', serviceId: 'gone', reason: 'EXPLICIT', createdAt: april(1), paths: [] }];

    await reloadSnapshots(deps);

    expect(await allSnapshots(deps)).toEqual([
      { id: b.id, fullId: b.fullId, serviceId: 'gitea', reason: 'AUTO', createdAt: april(1), paths: ['/b'] },
      { id: a.id, fullId: a.fullId, serviceId: 'nextcloud', reason: 'EXPLICIT', createdAt: april(2), paths: ['/a'] },
    ]);
    expect((await serviceSnapshots(deps, 'gitea')).map((s) => s.id)).toEqual([b.id]);
  });

  it('empties the cache for the NONE provider', async () => {
    deps.backupState.snapshots = [{ id: 'deadbeef', fullId: '', serviceId: 'gone', reason: 'EXPLICIT', createdAt: april(1), paths: [] }];

    expect(await reloadSnapshots(deps)).toEqual([]);
    expect(deps.backupState.snapshots).toEqual([]);
  });

  it('fails with BACKUP_FAILED and restic text, keeping the cache', async () => {
    const { a } = await withSnapshots();
    await reloadSnapshots(deps);
    deps.restic.fail('listSnapshots', 'restic snapshots failed: Fatal: unable to open repository');

    await expect(reloadSnapshots(deps)).rejects.toMatchObject({ code: 'BACKUP_FAILED', message: 'restic snapshots failed: Fatal: unable to open repository' });
    expect(deps.backupState.snapshots.map((s) => s.id)).toContain(a.id);
  });
});

describe('findSnapshot', () => {
  it('reloads the cache once on a miss', async () => {
    const { a } = await withSnapshots();
    deps.restic.calls.length = 0;

    expect((await findSnapshot(deps, a.id)).serviceId).toBe('nextcloud');
    expect(await findSnapshot(deps, a.id)).toMatchObject({ id: a.id });
    expect(deps.restic.calls).toEqual(['snapshots']);
  });

  it('answers SNAPSHOT_NOT_FOUND for an id restic does not know either', async () => {
    await withSnapshots();

    await expect(findSnapshot(deps, '12345678')).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_FOUND', message: 'Snapshot not found with id: 12345678' });
  });
});

describe('forgetSnapshot', () => {
  it('forgets it in restic (with prune) and reloads the cache', async () => {
    const { a, b } = await withSnapshots();
    await reloadSnapshots(deps);
    deps.restic.calls.length = 0;

    await forgetSnapshot(deps, a.id);

    expect(deps.restic.calls).toEqual([`forget ${a.id}`, 'snapshots']);
    expect((await allSnapshots(deps)).map((s) => s.id)).toEqual([b.id]);
  });

  it('answers SNAPSHOT_NOT_FOUND for an unknown id and forgets nothing', async () => {
    await withSnapshots();

    await expect(forgetSnapshot(deps, 'ffffffff')).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_FOUND' });
    expect(deps.restic.calls.filter((c) => c.startsWith('forget'))).toEqual([]);
  });

  it('answers BACKUP_FAILED with restic text when forget fails', async () => {
    const { a } = await withSnapshots();
    deps.restic.fail('forget', new ResticError('LOCKED', 'restic forget failed: the repository is locked'));

    await expect(forgetSnapshot(deps, a.id)).rejects.toMatchObject({ code: 'BACKUP_FAILED', message: 'restic forget failed: the repository is locked' });
  });
});
