import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import { ExecRestic } from '../../src/infra/backups/exec-restic.js';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { allSnapshots, backupMutation, configuration, hostPath, runJob, writeHostFile } from './backups-graphql-helpers.js';
import { query } from './services-helpers.js';

// End-to-end over HTTP with the real restic (through rclone) on a FILE repository in a temporary folder: what a
// user does on the simulated host — initialise, back up a service, break a file, restore it — and snapshots of a
// service that no longer exists, made by another restic client in the same repository (spec §4.8, §5.8, §10).
const hasRestic = spawnSync('restic', ['version']).status === 0 && spawnSync('rclone', ['version']).status === 0;

const noLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const FILE = '/var/lib/bitwarden_rs/e2e/vault.bin';
const ORIGINAL = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));

let server: TestServer;
let repository: string;

beforeAll(async () => {
  if (!hasRestic) return;
  server = await startTestServer();
  repository = join(mkdtempSync(join(tmpdir(), 'sp-e2e-restic-')), 'repo');
});

afterAll(async () => {
  await server?.close();
});

const initialize = () =>
  backupMutation(
    server,
    `initializeRepository(repository: {provider: FILE, locationId: "", locationName: $location, login: "", password: ""}) { success code message configuration { provider isInitialized locationName } }`,
    { location: repository },
    '($location: String!)',
  );

describe.skipIf(!hasRestic)('backups with the real restic on a FILE repository', () => {
  it('initialises the repository', { timeout: 60_000 }, async () => {
    expect(await initialize()).toEqual({
      success: true, code: 200, message: '', configuration: { provider: 'FILE', isInitialized: true, locationName: repository },
    });
  });

  it('backs up a service, and restores the original bytes over a broken file', { timeout: 60_000 }, async () => {
    writeHostFile(server, FILE, ORIGINAL);

    const backup = await runJob(server, 'startBackup(serviceId: "bitwarden")', 'Backup job queued');
    const log = (await query(server, 'query($id: String!) { jobs { getJob(jobId: $id) { logLines { message } } } }', { id: backup.started.job.uid }))
      .jobs.getJob.logLines.map((l: { message: string }) => l.message);
    const [snapshot] = await allSnapshots(server);
    writeHostFile(server, FILE, 'broken');
    const restored = await runJob(server, 'restoreBackup(snapshotId: $id)', 'Restore job created', { id: snapshot.id }, '($id: String!)');

    expect(backup.ended).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Backup finished' });
    expect(log).toContainEqual(expect.stringMatching(/^Uploaded [\d.]+ \w+ of [\d.]+ \w+ \(\d+ of \d+ files\)$/));
    expect(snapshot).toMatchObject({ reason: 'EXPLICIT', service: { id: 'bitwarden', displayName: 'Bitwarden' } });
    expect(restored.ended).toMatchObject({ status: 'FINISHED', error: null });
    expect(readFileSync(hostPath(server, FILE)).equals(ORIGINAL)).toBe(true);
  });

  it("shows a snapshot of a service that no longer exists with the service's tombstone, and will not restore it", { timeout: 60_000 }, async () => {
    const key = (await configuration(server)).encryptionKey;
    const otherClient = new ExecRestic(new CommandRunner(), join(repository, '..', 'secrets'), noLogger);
    await otherClient.backup(
      { provider: 'FILE', location: repository, login: '', providerKey: '', encryptionKey: key },
      [hostPath(server, '/var/lib/bitwarden_rs')],
      { serviceId: 'retired-app', reason: 'AUTO' },
    );

    const reload = await backupMutation(server, 'forceSnapshotsReload { success code message }');
    const data = await query(server, `{ backup { allSnapshots { id reason service { id displayName description svgIcon isMovable isRequired isEnabled
      isInstalled isSystemService canBeBackedUp backupDescription status url homepage sourcePage license { shortName } supportLevel } } } }`);
    const orphan = data.backup.allSnapshots.find((s: any) => s.service.id === 'retired-app');
    const restore = await backupMutation(server, 'restoreBackup(snapshotId: $id) { success code message job { uid } }', { id: orphan.id }, '($id: String!)');

    expect(reload).toEqual({ success: true, code: 200, message: '' });
    expect(orphan).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      reason: 'AUTO',
      service: {
        id: 'retired-app', displayName: 'retired-app (Orphaned)', description: '', svgIcon: '', isMovable: false, isRequired: false,
        isEnabled: false, isInstalled: false, isSystemService: false, canBeBackedUp: false, backupDescription: '', status: 'OFF',
        url: null, homepage: null, sourcePage: null, license: [], supportLevel: 'UNKNOWN',
      },
    });
    expect(restore).toEqual({ success: false, code: 404, message: 'Nonexistent service: retired-app', job: null });
  });

  it('after removeRepository, a wrong localSecret is refused and nothing stored; the kept key finds the old snapshots', { timeout: 60_000 }, async () => {
    const key = (await configuration(server)).encryptionKey;
    const before = (await allSnapshots(server)).map((s) => s.id).sort();

    const removed = await backupMutation(server, 'removeRepository { success configuration { provider isInitialized } }');
    const afterRemove = await allSnapshots(server);
    const wrongKey = await backupMutation(
      server,
      'initializeRepository(repository: {provider: FILE, locationId: "", locationName: $location, login: "", password: "", localSecret: "not the key"}) { success code message configuration { provider isInitialized encryptionKey } }',
      { location: repository },
      '($location: String!)',
    );
    const again = await backupMutation(
      server,
      'initializeRepository(repository: {provider: FILE, locationId: "", locationName: $location, login: "", password: "", localSecret: $key}) { success configuration { isInitialized encryptionKey } }',
      { location: repository, key },
      '($location: String!, $key: String!)',
    );

    expect(removed).toEqual({ success: true, configuration: { provider: 'NONE', isInitialized: false } });
    expect(afterRemove).toEqual([]);
    expect(wrongKey).toEqual({
      success: false, code: 400, message: 'The backup repository did not accept the key: wrong password or no key found',
      configuration: { provider: 'NONE', isInitialized: false, encryptionKey: key },
    });
    expect(again).toEqual({ success: true, configuration: { isInitialized: true, encryptionKey: key } });
    expect((await allSnapshots(server)).map((s) => s.id).sort()).toEqual(before);
  });
});
