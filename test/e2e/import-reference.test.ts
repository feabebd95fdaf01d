import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash as argon2Hash } from '@node-rs/argon2';
import { encrypt } from 'unixcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { naiveLocalIso } from '../../src/core/time/iso-format.js';
import { openPglite } from '../../src/infra/db/database.js';
import { emailPasswords } from '../../src/infra/db/schema.js';
import { type ApiProcess, freePort, spawnApi, spawnEntry, stopApi, untilHealthy } from '../support/api-process.js';
import { ReferenceRedisSeed, referenceToken } from '../support/reference-redis-seed.js';
import { type RedisServer, hasRedisServer, startRedisServer } from '../support/redis-server.js';
import { gql, rest } from '../support/test-server.js';
import { openAuthenticatedWs } from '../support/ws-session.js';

// Replacing the reference API on a server: its paired devices, recovery phrase, e-mail passwords and backup
// settings come over from a real redis-server holding keys written exactly as the reference writes them.
// The steps below run in order on one data folder.

const PHONE_CREATED = new Date(2024, 4, 1, 8, 30, 15, 250);
const MAIL_UUID = '6f1c1b9e-6d7b-4a55-9d7e-3c1f0e6a2b11';
const MAIL_HASH = encrypt('mailbox password', '$6$refsalt');
const ARGON_UUID = '0d3e8a61-2f4b-4c1d-8e7a-5b9c6d2e1f00';
let argonHash: string;
const LOCAL_SECRET = 'reference-repository-password-kept';

let redis: RedisServer;
let seed: ReferenceRedisSeed;
let dataDir: string;
let api: ApiProcess | undefined;
let phone: ReturnType<typeof referenceToken>;
let laptop: ReturnType<typeof referenceToken>;
let recoveryPhrase: string;
let pairingPhrase: string;
let redisBefore: string;
const printed: string[] = [];

async function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnEntry('src/cli.ts', { DATA_DIR: dataDir }, { args });
  let stdout = '';
  child.child.stdout!.on('data', (chunk: string) => (stdout += chunk));
  const { code } = await child.exited;
  const stderr = child.output().replace(stdout, '');
  printed.push(child.output());
  return { code, stdout, stderr };
}

beforeAll(async () => {
  if (!hasRedisServer) return;
  redis = await startRedisServer();
  seed = await ReferenceRedisSeed.connect(redis.socketPath);
  dataDir = mkdtempSync(join(tmpdir(), 'sp-api-import-'));
  phone = referenceToken('phone', PHONE_CREATED);
  laptop = referenceToken('My Laptop', new Date(2024, 5, 2, 9, 0, 0));
  await seed.storeToken(phone);
  await seed.storeToken(laptop);
  recoveryPhrase = await seed.createRecoveryKey(null, 2);
  // what the reference writes now: argon2id (argon2-cffi's defaults) over the NFKC form of the password
  argonHash = await argon2Hash('ｐhone ｍail'.normalize('NFKC'), { algorithm: 2, memoryCost: 65536, timeCost: 3, parallelism: 4 });
  await seed.addEmailPassword('alice', ARGON_UUID, { hash: argonHash, displayName: 'Phone', createdAt: new Date('2024-06-03T10:00:00Z') });
  await seed.addEmailPassword('alice', MAIL_UUID, { hash: MAIL_HASH, displayName: 'Thunderbird', createdAt: new Date('2024-05-03T10:00:00Z') });
  await seed.storeBackupConfiguration({
    kind: 'FILE', login: '', key: '', location: join(dataDir, 'no-such-repository'), repoId: '', localSecret: LOCAL_SECRET,
  });
  redisBefore = await seed.dump();
}, 30_000);

afterAll(async () => {
  if (api) await stopApi(api);
  await seed?.close();
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!hasRedisServer)('import-reference', () => {
  it('with --dry-run says what it would import and writes nothing', async () => {
    const run = await cli('import-reference', '--redis', redis.url, '--dry-run');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('device tokens: 2 would import, 0 already present, 0 skipped\n  would import: phone, My_Laptop\n  renamed: My Laptop -> My_Laptop\n');
    expect(run.stdout).toContain('recovery key: 1 would import');
    expect(run.stdout).toContain('e-mail passwords: 2 would import');
    expect(run.stdout.trimEnd().endsWith('Dry run: nothing was written.')).toBe(true);
    expect((await cli('tokens', 'list')).stdout).toBe('');
  }, 60_000);

  it('imports beside a running server (through its socket): the old token works on GraphQL, REST and WebSocket', async () => {
    api = spawnApi(dataDir, await freePort());
    await untilHealthy(api);
    // made on the reference after this server's first start paired its `initial` device
    pairingPhrase = await seed.createNewDeviceKey();
    redisBefore = await seed.dump();

    const run = await cli('import-reference', '--redis', redis.url);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('device tokens: 2 imported, 0 already present, 0 skipped\n  imported: phone, My_Laptop\n');
    expect(run.stdout).toContain('recovery key: 1 imported, 0 already present, 0 skipped\n  imported: recovery key (2 uses left)\n');
    expect(run.stdout).toContain('new-device key: 1 imported, 0 already present, 0 skipped\n');
    expect(run.stdout).toContain(`e-mail passwords: 2 imported, 0 already present, 0 skipped\n  imported: alice: Phone, alice: Thunderbird\n`);
    expect(run.stdout).toContain('backup settings: 2 imported');
    const devices = await gql(api, '{ api { devices { name creationDate isCaller } } }', undefined, phone.token);
    expect(devices.body.data.api.devices).toEqual(
      expect.arrayContaining([
        { name: 'phone', creationDate: naiveLocalIso(PHONE_CREATED), isCaller: true },
        { name: 'My_Laptop', creationDate: '2024-06-02T09:00:00', isCaller: false },
      ]),
    );
    const tokens = await rest(api, 'GET', '/auth/tokens', { token: laptop.token });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual(
      expect.arrayContaining([
        { name: 'phone', date: naiveLocalIso(PHONE_CREATED), is_caller: false },
        { name: 'My_Laptop', date: '2024-06-02T09:00:00', is_caller: true },
      ]),
    );
    const socket = await openAuthenticatedWs(`${api.url.replace('http', 'ws')}/graphql`, phone.token);
    socket.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { count }' } });
    expect(await socket.waitFor((m) => m.type === 'next' || m.type === 'error')).toMatchObject({ type: 'next', payload: { data: { count: 0 } } });
    const backup = await gql(api, '{ backup { configuration { provider encryptionKey } } }', undefined, phone.token);
    expect(backup.body.data.backup.configuration).toEqual({ provider: 'FILE', encryptionKey: LOCAL_SECRET });
  }, 90_000);

  it('keeps the recovery phrase working with its uses left, on GraphQL and REST', async () => {
    const usesLeft = async () =>
      (await gql(api!, '{ api { recoveryKey { exists valid usesLeft } } }', undefined, phone.token)).body.data.api.recoveryKey;
    expect(await usesLeft()).toEqual({ exists: true, valid: true, usesLeft: 2 });

    const viaGraphql = await gql(
      api!,
      'mutation($key: String!) { api { useRecoveryApiKey(input: {key: $key, deviceName: "new phone"}) { success code message token } } }',
      { key: recoveryPhrase },
    );
    expect(viaGraphql.body.data.api.useRecoveryApiKey).toMatchObject({ success: true, code: 200, message: 'Recovery key used' });
    expect(await usesLeft()).toEqual({ exists: true, valid: true, usesLeft: 1 });
    const viaRest = await rest(api!, 'POST', '/auth/recovery_token/use', { json: { token: recoveryPhrase, device: 'tablet' } });
    expect(viaRest.status).toBe(200);
    expect(viaRest.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await usesLeft()).toEqual({ exists: true, valid: false, usesLeft: 0 });
    const spent = await rest(api!, 'POST', '/auth/recovery_token/use', { json: { token: recoveryPhrase, device: 'watch' } });
    expect(spent.status).toBe(404);
  }, 60_000);

  it('lets the mail server check the imported e-mail passwords (SHA-512 crypt and argon2id)', async () => {
    const check = (password: string) =>
      rest(api!, 'POST', '/internal/check-email-password', { json: { username: 'alice@example.org', password } });

    expect(await check('not the mailbox password')).toMatchObject({ status: 200, body: { isValid: false } });
    expect(await check('mailbox password')).toMatchObject({ status: 200, body: { isValid: true } });
    expect(await check('phone mail')).toMatchObject({ status: 200, body: { isValid: true } });
  }, 30_000);

  it('keeps the pairing phrase shown by the reference working, once', async () => {
    const authorize = (deviceName: string) =>
      gql(
        api!,
        'mutation($key: String!, $name: String!) { api { authorizeWithNewDeviceApiKey(input: {key: $key, deviceName: $name}) { success code message token } } }',
        { key: pairingPhrase, name: deviceName },
      );

    const paired = await authorize('second phone');
    const again = await authorize('third phone');

    expect(paired.body.data.api.authorizeWithNewDeviceApiKey).toMatchObject({ success: true, code: 200, message: 'Token used' });
    expect(again.body.data.api.authorizeWithNewDeviceApiKey).toMatchObject({ success: false, code: 404, token: null });
  }, 30_000);

  it('changes nothing on a second run, and says so', async () => {
    const run = await cli('import-reference', '--redis', redis.url);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('device tokens: 0 imported, 2 already present, 0 skipped\n  already present: phone, My_Laptop\n');
    expect(run.stdout).toContain('recovery key: 0 imported, 1 already present');
    expect(run.stdout).toContain('new-device key: 0 imported, 0 already present, 1 skipped\n  skipped new-device key: a device was paired since it was made (it may have been used)\n');
    expect(run.stdout).toContain('e-mail passwords: 0 imported, 2 already present');
    expect(run.stdout.trimEnd().endsWith('Nothing to import: everything was already here, nothing changed.')).toBe(true);
  }, 60_000);

  it('says clearly, within seconds, when the reference\'s Redis cannot be reached', async () => {
    const started = Date.now();

    const run = await cli('import-reference', '--redis', `redis://:hunter2@127.0.0.1:${await freePort()}`);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Cannot reach the reference's Redis at redis:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('stored the e-mail password hash as the reference had it, and left the reference\'s Redis as it was', async () => {
    await stopApi(api!);
    api = undefined;
    const database = await openPglite(join(dataDir, 'pgdata'));
    try {
      const rows = await database.db.select().from(emailPasswords).orderBy(emailPasswords.uuid);
      expect(rows).toEqual([
        { uuid: ARGON_UUID, username: 'alice', displayName: 'Phone', passwordHash: argonHash, createdAt: new Date('2024-06-03T10:00:00Z'), expiresAt: null, lastUsed: expect.any(Date) },
        // lastUsed: set by the mail server's check above
        { uuid: MAIL_UUID, username: 'alice', displayName: 'Thunderbird', passwordHash: MAIL_HASH, createdAt: new Date('2024-05-03T10:00:00Z'), expiresAt: null, lastUsed: expect.any(Date) },
      ]);
    } finally {
      await database.close();
    }
    expect(await seed.dump()).toBe(redisBefore);
  }, 60_000);

  it('printed no token, key, phrase, hash or password', () => {
    const everything = printed.join('\n');
    expect(printed.length).toBeGreaterThanOrEqual(4);
    for (const secret of [phone.token, laptop.token, recoveryPhrase, recoveryPhrase.split(' ')[0] + ' ' + recoveryPhrase.split(' ')[1], pairingPhrase, MAIL_HASH, argonHash, LOCAL_SECRET, 'hunter2']) {
      expect(everything).not.toContain(secret);
    }
  });
});
