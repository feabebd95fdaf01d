import { delimiter } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBin, fakeBin } from '../support/fake-bin.js';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { eventually, userdata } from './services-helpers.js';

// End-to-end over HTTP: PUT /services/restic/backblaze/config (rest.md §4.7) configures Backblaze backups in the
// background, with a fake `restic` on PATH standing in for Backblaze: a bucket it refuses, one it accepts, a slow one.

const KEY = 'app-key-never-in-argv';
const base = (bucket: string) => ['-o', 'rclone.args=serve restic --stdio', '-r', `rclone::b2:${bucket}`, '--json'];
const NO_REPOSITORY = { stderr: 'Fatal: unable to open config file: <config/> does not exist\nIs there a repository at the following location?\n', exitCode: 10 };

let bin: FakeBin;
let server: TestServer;
let savedPath: string | undefined;

beforeAll(async () => {
  bin = fakeBin({
    restic: [
      { args: [...base('bad-bucket'), 'cat', 'config'], ...NO_REPOSITORY },
      { args: [...base('bad-bucket'), 'init'], stderr: 'Fatal: create repository at rclone::b2:bad-bucket failed: bucket not found\n', exitCode: 1 },
      { args: [...base('good-bucket'), 'cat', 'config'], ...NO_REPOSITORY },
      { args: [...base('good-bucket'), 'init'], stdout: '{"message_type":"initialized","id":"5f2a","repository":"rclone::b2:good-bucket"}\n' },
      { args: [...base('good-bucket'), 'snapshots'], stdout: '[]\n' },
      // a repository that exists already, behind a slow connection
      { args: [...base('slow-bucket'), 'cat', 'config'], stdout: '{"version":2}\n', delayMs: 1500 },
      { args: [...base('slow-bucket'), 'snapshots'], stdout: '[]\n' },
      { stderr: 'unexpected call\n', exitCode: 99 },
    ],
  });
  savedPath = process.env.PATH;
  process.env.PATH = `${bin.dir}${delimiter}${savedPath ?? ''}`; // the API runs in this process
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
  process.env.PATH = savedPath;
});

const config = (bucket: string) =>
  rest(server, 'PUT', '/services/restic/backblaze/config', { token: server.token, json: { accountId: 'key-id-0001', accountKey: KEY, bucket } });
const status = async () => (await rest(server, 'GET', '/services/restic/backup/status', { token: server.token })).body;
const statusAfterInitializing = () => eventually(async () => ((await status()).status === 'INITIALIZING' ? undefined : status()));
const subcommands = (bucket: string) =>
  bin.calls().filter((c) => c.args[3] === `rclone::b2:${bucket}`).map((c) => c.args.slice(5).join(' '));

describe('PUT /services/restic/backblaze/config', () => {
  it('saves the keys, then shows INITIALIZING and an ERROR with restic\u2019s text when the bucket is refused', async () => {
    const answer = await config('bad-bucket');
    const during = await status();
    const after = await statusAfterInitializing();

    expect(answer).toMatchObject({ status: 200, body: 'New Backblaze settings saved' });
    expect(userdata(server).backblaze).toEqual({ accountId: 'key-id-0001', accountKey: KEY, bucket: 'bad-bucket' });
    expect(during).toEqual({ status: 'INITIALIZING', progress: 0, error_message: null });
    expect(after).toEqual({ status: 'ERROR', progress: 0, error_message: 'restic init failed: Fatal: create repository at rclone::b2:bad-bucket failed: bucket not found' });
    expect(subcommands('bad-bucket')).toEqual(['cat config', 'init']);
  });

  it('refuses a backup with "No key provided" while nothing was configured', async () => {
    expect(await rest(server, 'PUT', '/services/restic/backup/create', { token: server.token })).toMatchObject({ status: 400, body: { error: 'No key provided' } });
  });

  it('creates the repository in an accepted bucket: INITIALIZED, an empty list, the old failure\u2019s text kept', async () => {
    expect((await config('good-bucket')).status).toBe(200);
    const after = await statusAfterInitializing();

    expect(after).toEqual({ status: 'INITIALIZED', progress: 0, error_message: expect.stringContaining('bucket not found') });
    expect(subcommands('good-bucket')).toEqual(['cat config', 'init', 'snapshots']);
    expect((await rest(server, 'GET', '/services/restic/backup/list', { token: server.token })).body).toEqual([]);
    expect(userdata(server).backblaze.bucket).toBe('good-bucket');
  });

  it('refuses create and restore with the legacy texts while the keys are being applied, then connects to the existing repository', async () => {
    expect((await config('slow-bucket')).status).toBe(200);

    const create = await rest(server, 'PUT', '/services/restic/backup/create', { token: server.token });
    const restore = await rest(server, 'PUT', '/services/restic/backup/restore', { token: server.token, json: { backupId: 'abcdef12' } });
    const during = await status();
    const after = await statusAfterInitializing();

    expect(create).toMatchObject({ status: 400, body: { error: 'Backup is initializing' } });
    expect(restore).toMatchObject({ status: 400, body: { error: 'Repository is initializing' } });
    expect(during.status).toBe('INITIALIZING');
    expect(after.status).toBe('INITIALIZED');
    expect(subcommands('slow-bucket')).toEqual(['cat config', 'snapshots']);
  });

  it('never put the Backblaze key in restic\u2019s argv', () => {
    expect(bin.calls().length).toBeGreaterThanOrEqual(7);
    expect(JSON.stringify(bin.calls())).not.toContain(KEY);
  });
});
