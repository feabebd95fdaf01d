import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initializeRepository, removeRepository } from '../../src/core/backups/backup-configuration.js';
import { startBackup } from '../../src/core/backups/service-backup.js';
import { restoreBackup } from '../../src/core/backups/service-restore.js';
import { allSnapshots, forgetSnapshot } from '../../src/core/backups/snapshots.js';
import { ExecRestic } from '../../src/infra/backups/exec-restic.js';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { backupDeps, logOf, settled } from '../fakes/backup-deps.js';
import { silentLogger } from '../fakes/fake-deps.js';

// The backup use cases on the real restic (through rclone, as the reference made FILE repositories) and real
// folders: what a user's backup and restore do to bytes on disk, with both restore strategies.
const hasRestic = spawnSync('restic', ['version']).status === 0;

let deps: Awaited<ReturnType<typeof realResticDeps>> | undefined;
afterEach(() => deps?.close());

async function realResticDeps() {
  const made = await backupDeps();
  return { ...made, restic: new ExecRestic(new CommandRunner(), join(made.root, 'restic-secrets'), silentLogger) };
}

describe.skipIf(!hasRestic)('backups and restores on the real restic with a FILE repository', () => {
  it('backs Nextcloud up, restores it with both strategies to the original bytes, forgets, and finds it again after removeRepository', { timeout: 180_000 }, async () => {
    const d = (deps = await realResticDeps());
    const photo = randomBytes(2_000_000);
    await d.put('/var/lib/nextcloud/data/alice/notes.txt', 'original notes');
    await writeFile(d.host.filesPath('/var/lib/nextcloud/data/alice/photo.bin'), photo);
    const photoNow = () => readFile(d.host.filesPath('/var/lib/nextcloud/data/alice/photo.bin'));
    await initializeRepository(d, { provider: 'FILE', locationName: join(d.root, 'repo'), locationId: '', login: '', password: '' });

    const backup = await settled(d, (await startBackup(d, 'nextcloud')).uid);
    const [snapshot] = await allSnapshots(d);

    expect(backup).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Backup finished' });
    expect(logOf(d, backup.uid).some((line) => /^Uploaded .* of .* \(\d+ of \d+ files\)$/.test(line))).toBe(true);
    expect(snapshot).toMatchObject({ serviceId: 'nextcloud', reason: 'EXPLICIT', paths: [d.host.filesPath('/var/lib/nextcloud')] });

    await d.put('/var/lib/nextcloud/data/alice/notes.txt', 'broken');
    await d.put('/var/lib/nextcloud/data/alice/photo.bin', 'not a photo');
    await d.put('/var/lib/nextcloud/data/alice/stray.txt', 'added later');
    const viaSideFolder = await settled(d, (await restoreBackup(d, snapshot!.id, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(viaSideFolder).toMatchObject({ status: 'FINISHED', error: null });
    expect(await d.read('/var/lib/nextcloud/data/alice/notes.txt')).toBe('original notes');
    expect((await photoNow()).equals(photo)).toBe(true);
    expect(await d.read('/var/lib/nextcloud/data/alice/stray.txt')).toBeUndefined();

    await d.put('/var/lib/nextcloud/data/alice/notes.txt', 'broken again');
    await d.put('/var/lib/nextcloud/data/alice/stray.txt', 'added again');
    const inPlace = await settled(d, (await restoreBackup(d, snapshot!.id, 'INPLACE')).uid);
    const preRestore = (await allSnapshots(d)).find((s) => s.reason === 'PRE_RESTORE');

    expect(inPlace).toMatchObject({ status: 'FINISHED', error: null });
    expect(await d.read('/var/lib/nextcloud/data/alice/notes.txt')).toBe('original notes');
    expect((await photoNow()).equals(photo)).toBe(true);
    expect(await d.read('/var/lib/nextcloud/data/alice/stray.txt')).toBeUndefined();
    expect(preRestore).toMatchObject({ serviceId: 'nextcloud' });
    expect(d.host.units['phpfpm-nextcloud.service']).toBe('active');

    await forgetSnapshot(d, preRestore!.id);
    await removeRepository(d);
    await initializeRepository(d, { provider: 'FILE', locationName: join(d.root, 'repo'), locationId: '', login: '', password: '' });

    expect((await allSnapshots(d)).map((s) => s.id)).toEqual([snapshot!.id]);
  });

  it('a restore from a repository the key no longer opens fails loudly and leaves the data and the service as they were', { timeout: 120_000 }, async () => {
    const d = (deps = await realResticDeps());
    await d.put('/var/lib/nextcloud/a.txt', 'original');
    await initializeRepository(d, { provider: 'FILE', locationName: join(d.root, 'repo'), locationId: '', login: '', password: '' });
    await settled(d, (await startBackup(d, 'nextcloud')).uid);
    const [snapshot] = await allSnapshots(d);
    await d.put('/var/lib/nextcloud/a.txt', 'current');
    await d.backupState.setEncryptionKey('not the key');

    const done = await settled(d, (await restoreBackup(d, snapshot!.id, 'DOWNLOAD_VERIFY_OVERWRITE')).uid);

    expect(done.status).toBe('ERROR');
    expect(done.error).toMatch(/wrong password/);
    expect(await d.read('/var/lib/nextcloud/a.txt')).toBe('current');
    expect(d.host.calls.filter((c) => /^(stop|start)Unit/.test(c))).toEqual([]);
  });
});
