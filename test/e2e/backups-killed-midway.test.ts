import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApi, untilHealthy } from '../support/api-process.js';
import { eventually } from './services-helpers.js';

// A backup killed midway, as systemd kills the API's whole cgroup with SIGKILL: the next start settles the job
// as ERROR with a reason, and the repository is intact — restic checks it clean, and the next backup and a
// restore work. restic runs for real, slowed by a wrapper on PATH so the kill lands during the upload.
const realRestic = spawnSync('sh', ['-c', 'command -v restic']).stdout?.toString().trim() ?? '';
const hasRestic = realRestic !== '' && spawnSync('rclone', ['version']).status === 0;

const dataDir = mkdtempSync(join(tmpdir(), 'sp-backup-kill-'));
const repository = join(mkdtempSync(join(tmpdir(), 'sp-backup-kill-repo-')), 'repo');
const bin = mkdtempSync(join(tmpdir(), 'sp-backup-kill-bin-'));
const BIG_FILE = join(dataDir, 'host-files', 'volumes', 'sdb', 'nextcloud', 'big.bin');
const BIG = randomBytes(3 * 1024 * 1024); // random: restic can neither compress nor deduplicate it

let api: ApiProcess | undefined;
let port = 0;

afterAll(async () => {
  killEverything();
  if (api) await api.exited;
});

/** The whole service dies at once: the API and every restic it started on this repository. */
function killEverything(): void {
  api?.child.kill('SIGKILL');
  spawnSync('pkill', ['-KILL', '-f', repository]);
}

async function start(): Promise<{ token: string }> {
  api = spawnApi(dataDir, port, { PATH: `${bin}:${process.env.PATH}` });
  await untilHealthy(api);
  return { token: readFileSync(join(dataDir, 'initial-token'), 'utf8').trim() };
}

async function gql(token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${api!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as any;
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function job(token: string, uid: string): Promise<any> {
  const data = await gql(token, `{ jobs { getJob(jobId: "${uid}") { uid status statusText progress error result } } }`);
  return data.jobs.getJob;
}

/** The job once it has ended (FINISHED or ERROR). */
function jobEnds(token: string, uid: string): Promise<any> {
  return eventually(async () => {
    const j = await job(token, uid);
    return j.status === 'FINISHED' || j.status === 'ERROR' ? j : undefined;
  }, 60_000);
}

const startBackup = async (token: string) =>
  (await gql(token, 'mutation { backup { startBackup(serviceId: "nextcloud") { success code message job { uid } } } }')).backup.startBackup;

describe.skipIf(!hasRestic)('a backup killed midway', () => {
  it('ends as a clean ERROR at the next start, and the repository stays usable', { timeout: 240_000 }, async () => {
    // Uploads at 256 KiB/s: the 3 MiB file takes about twelve seconds.
    writeFileSync(join(bin, 'restic'), `#!/bin/sh\nexec '${realRestic}' --limit-upload 256 "$@"\n`);
    chmodSync(join(bin, 'restic'), 0o755);
    port = await freePort();
    let { token } = await start();

    const init = await gql(
      token,
      'mutation($location: String!) { backup { initializeRepository(repository: {provider: FILE, locationId: "", locationName: $location, login: "", password: ""}) { success message configuration { isInitialized encryptionKey } } } }',
      { location: repository },
    );
    expect(init.backup.initializeRepository).toMatchObject({ success: true, configuration: { isInitialized: true } });
    const key: string = init.backup.initializeRepository.configuration.encryptionKey;

    mkdirSync(join(BIG_FILE, '..'), { recursive: true });
    writeFileSync(BIG_FILE, BIG);
    const started = await startBackup(token);
    expect(started).toMatchObject({ success: true, code: 200, message: 'Backup job queued' });
    const uid: string = started.job.uid;
    await eventually(async () => ((await job(token, uid)).statusText === 'Uploading backup' ? true : undefined), 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await job(token, uid)).status).toBe('RUNNING');

    killEverything();
    await api!.exited;
    ({ token } = await start());

    const settled = await jobEnds(token, uid);
    expect(settled.status).toBe('ERROR');
    expect(settled.error).toMatch(/\S/);
    const snapshots = (await gql(token, '{ backup { allSnapshots { id service { id } } } }')).backup.allSnapshots;
    expect(snapshots).toEqual([]);

    // restic itself finds nothing wrong with the repository (the killed run's lock is stale, not damage).
    const check = spawnSync(realRestic, ['-r', repository, '--no-lock', 'check'], { env: { ...process.env, RESTIC_PASSWORD: key }, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toMatch(/no errors were found/);
    expect(check.status).toBe(0);

    // The next backup clears the stale lock and completes; its restore brings the bytes back.
    writeFileSync(join(bin, 'restic'), `#!/bin/sh\nexec '${realRestic}' "$@"\n`);
    const again = await startBackup(token);
    expect(again.success).toBe(true);
    const finished = await jobEnds(token, again.job.uid);
    expect(finished).toMatchObject({ status: 'FINISHED', error: null, result: 'Backup finished' });
    const [snapshot] = (await gql(token, '{ backup { allSnapshots { id service { id } reason } } }')).backup.allSnapshots;
    expect(snapshot).toMatchObject({ service: { id: 'nextcloud' }, reason: 'EXPLICIT' });

    writeFileSync(BIG_FILE, 'broken');
    const restore = (await gql(token, `mutation { backup { restoreBackup(snapshotId: "${snapshot.id}") { success message job { uid } } } }`)).backup.restoreBackup;
    expect(restore).toMatchObject({ success: true, message: 'Restore job created' });
    const restored = await jobEnds(token, restore.job.uid);
    expect(restored).toMatchObject({ status: 'FINISHED', error: null });
    expect(readFileSync(BIG_FILE).equals(BIG)).toBe(true);
  });
});
