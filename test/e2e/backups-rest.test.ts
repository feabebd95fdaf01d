import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { backupMutation, hostPath, jobOfTypeEnds, writeHostFile } from './backups-graphql-helpers.js';
import { eventually, query } from './services-helpers.js';

// End-to-end over HTTP: the legacy restic paths (rest.md §4.7) on the simulated host. The happy path runs
// on a MEMORY repository set up through GraphQL (the legacy paths only know Backblaze); each test starts
// where the one before it left off.

let server: TestServer;

const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';
const FILE = '/var/lib/bitwarden_rs/legacy-e2e/vault.bin';
const ORIGINAL = Buffer.from([0, 1, 2, 250, 251, 252, 10, 13]);

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const get = (path: string) => rest(server, 'GET', path, { token: server.token });
const put = (path: string, json?: unknown) => rest(server, 'PUT', path, { token: server.token, json });
const status = async () => (await get('/services/restic/backup/status')).body;

/** Waits until the legacy status leaves `busy`, recording every status seen on the way. */
async function statusAfter(busy: string, seen: any[] = []): Promise<any> {
  return eventually(async () => {
    const now = await status();
    seen.push(now);
    return now.status === busy ? undefined : now;
  }, 30_000);
}

const PATHS: [string, string][] = [
  ['GET', '/services/restic/backup/list'],
  ['GET', '/services/restic/backup/reload'],
  ['GET', '/services/restic/backup/status'],
  ['PUT', '/services/restic/backup/create'],
  ['PUT', '/services/restic/backup/restore'],
  ['PUT', '/services/restic/backblaze/config'],
];

describe('the legacy restic paths before a repository is set up', () => {
  it.each(PATHS)('%s %s needs a token', async (method, path) => {
    expect(await rest(server, method, path)).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
    expect(await rest(server, method, path, { token: 'not-a-token' })).toMatchObject({ status: 401, body: { error: 'Invalid token' } });
  });

  it('answers status NO_KEY and an empty list', async () => {
    expect(await get('/services/restic/backup/status')).toMatchObject({ status: 200, body: { status: 'NO_KEY', progress: 0, error_message: null } });
    expect(await get('/services/restic/backup/list')).toMatchObject({ status: 200, body: [] });
  });

  it('refuses create and restore with 400 "No key provided"; restore reports a missing backupId first', async () => {
    expect(await put('/services/restic/backup/create')).toMatchObject({ status: 400, body: { error: 'No key provided' } });
    expect(await put('/services/restic/backup/restore', {})).toMatchObject({ status: 400, body: { message: { backupId: MISSING } } });
    expect(await put('/services/restic/backup/restore', { backupId: 'abcdef12' })).toMatchObject({ status: 400, body: { error: 'No key provided' } });
  });

  it('reports the first missing Backblaze field in the order accountId, accountKey, bucket, writing nothing', async () => {
    const before = readFileSync(`${server.dataDir}/userdata.json`);

    expect(await put('/services/restic/backblaze/config', {})).toMatchObject({ status: 400, body: { message: { accountId: MISSING } } });
    expect(await put('/services/restic/backblaze/config', { bucket: 'b', accountId: 'id' })).toMatchObject({ status: 400, body: { message: { accountKey: MISSING } } });
    expect(await put('/services/restic/backblaze/config', { accountId: 'id', accountKey: 'key' })).toMatchObject({ status: 400, body: { message: { bucket: MISSING } } });
    // a key in the query string would end up in logs and histories
    const inQuery = await rest(server, 'PUT', '/services/restic/backblaze/config?accountKey=key', { token: server.token, json: { accountId: 'id', bucket: 'b' } });
    expect(inQuery).toMatchObject({ status: 400, body: { message: { accountKey: 'Send accountKey in the request body, not in the query string' } } });
    expect(readFileSync(`${server.dataDir}/userdata.json`).equals(before)).toBe(true);
    expect((await status()).status).toBe('NO_KEY');
  });

  it('starts a reload and answers at once', async () => {
    expect(await get('/services/restic/backup/reload')).toMatchObject({ status: 200, body: { status: 0, message: 'Snapshots reload started' } });
    expect((await status()).status).toBe('NO_KEY');
  });
});

describe('the legacy restic paths on a MEMORY repository', () => {
  let bitwardenSnapshot: any;

  it('show INITIALIZED and an empty list once a repository is initialised', async () => {
    const init = await backupMutation(
      server,
      'initializeRepository(repository: { provider: MEMORY, locationId: "", locationName: "legacy-e2e", login: "", password: "" }) { success code }',
    );

    expect(init).toEqual({ success: true, code: 200 });
    expect(await status()).toEqual({ status: 'INITIALIZED', progress: 0, error_message: null });
    expect((await get('/services/restic/backup/list')).body).toEqual([]);
  });

  it('starts one total backup for four concurrent creates (the others get 409), BACKING_UP until it finishes', async () => {
    writeHostFile(server, FILE, ORIGINAL);

    const answers = await Promise.all([1, 2, 3, 4].map(() => put('/services/restic/backup/create')));
    const seen: any[] = [];
    const after = await statusAfter('BACKING_UP', seen);

    expect(answers.filter((a) => a.status === 200).map((a) => a.body)).toEqual([{ status: 0, message: 'Backup creation has started' }]);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body)).toEqual(Array(3).fill({ error: 'Backup is already running' }));
    expect(after).toEqual({ status: 'INITIALIZED', progress: 0, error_message: null });
    expect(seen[0].status).toBe('BACKING_UP');
    for (const busy of seen.slice(0, -1)) expect(busy).toMatchObject({ status: 'BACKING_UP', progress: expect.any(Number), error_message: null });
    expect(seen.slice(0, -1).every((s) => s.progress >= 0 && s.progress <= 1)).toBe(true);
    const jobs = (await query(server, '{ jobs { getJobs { typeId status } } }')).jobs.getJobs.filter((j: any) => j.typeId === 'backups.total_backup');
    expect(jobs).toEqual([{ typeId: 'backups.total_backup', status: 'FINISHED' }]);
  });

  it('lists the snapshots shaped like restic\u2019s, one per enabled service, tagged with the service and EXPLICIT', async () => {
    const list = (await get('/services/restic/backup/list')).body as any[];

    expect(list.length).toBeGreaterThan(1);
    for (const snapshot of list) {
      expect(Object.keys(snapshot).sort()).toEqual(['id', 'paths', 'short_id', 'tags', 'time']);
      expect(snapshot.short_id).toMatch(/^[0-9a-f]{8}$/);
      expect(snapshot.id.startsWith(snapshot.short_id)).toBe(true);
      expect(new Date(snapshot.time).toISOString()).toBe(snapshot.time);
      expect(snapshot.tags[1]).toBe('EXPLICIT');
    }
    bitwardenSnapshot = list.find((s) => s.tags[0] === 'bitwarden');
    expect(bitwardenSnapshot.paths).toEqual([hostPath(server, '/var/lib/bitwarden_rs')]);
  });

  it('answers 404 "Backup not found" to an unknown id', async () => {
    expect(await put('/services/restic/backup/restore', { backupId: 'ffffffff' })).toMatchObject({ status: 404, body: { error: 'Backup not found' } });
  });

  it('refuses a restore with 409 "Backup is already running" while a backup runs', async () => {
    expect((await put('/services/restic/backup/create')).status).toBe(200);

    const answer = await put('/services/restic/backup/restore', { backupId: bitwardenSnapshot.short_id });

    expect(answer).toMatchObject({ status: 409, body: { error: 'Backup is already running' } });
    expect((await statusAfter('BACKING_UP')).status).toBe('INITIALIZED');
  });

  it('restores a broken file from a snapshot (a second restore meanwhile gets 409), RESTORING until done; the bytes are the original ones', async () => {
    writeHostFile(server, FILE, 'broken');

    const answer = await put('/services/restic/backup/restore', { backupId: bitwardenSnapshot.short_id });
    const again = await put('/services/restic/backup/restore', { backupId: bitwardenSnapshot.id });
    const after = await statusAfter('RESTORING');
    const job = await jobOfTypeEnds(server, 'services.bitwarden.restore');

    expect(answer).toMatchObject({ status: 200, body: { status: 0, message: 'Backup restoration procedure started' } });
    expect(again).toMatchObject({ status: 409, body: { error: 'Restore is already running' } });
    expect(job).toMatchObject({ status: 'FINISHED' });
    expect(after).toEqual({ status: 'INITIALIZED', progress: 0, error_message: null });
    expect(readFileSync(hostPath(server, FILE)).equals(ORIGINAL)).toBe(true);
  });

  it('reloads the list from the repository', async () => {
    const before = (await get('/services/restic/backup/list')).body;

    expect(await get('/services/restic/backup/reload')).toMatchObject({ status: 200, body: { status: 0, message: 'Snapshots reload started' } });
    await eventually(async () => ((await status()).status === 'INITIALIZED' ? true : undefined));
    expect((await get('/services/restic/backup/list')).body).toEqual(before);
  });

  it('documents the six paths in the OpenAPI document, each behind the token', async () => {
    const doc = (await rest(server, 'GET', '/api/swagger.json')).body;

    for (const [method, path] of PATHS) expect(doc.paths[path][method.toLowerCase()].security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths['/services/restic/backup/create'].put.responses).sort()).toEqual(['200', '400', '401', '409']);
    expect(Object.keys(doc.paths['/services/restic/backblaze/config'].put.requestBody.content['application/json'].schema.properties)).toEqual(['accountId', 'accountKey', 'bucket']);
  });
});
