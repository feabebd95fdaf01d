import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisReferenceSource } from '../../src/infra/reference-redis/redis-reference-source.js';
import { parseRedisUrl } from '../../src/infra/reference-redis/redis-url.js';
import { freePort } from '../support/api-process.js';
import { ReferenceRedisSeed, referenceToken } from '../support/reference-redis-seed.js';
import { type RedisServer, hasRedisServer, startRedisServer } from '../support/redis-server.js';

describe('parseRedisUrl', () => {
  it('reads the reference socket, a host and port, and keeps passwords out of the label', () => {
    expect(parseRedisUrl('unix:///run/redis-sp-api/redis.sock')).toMatchObject({ socket: { path: '/run/redis-sp-api/redis.sock' }, label: 'unix:///run/redis-sp-api/redis.sock' });
    const tcp = parseRedisUrl('redis://:s3cret@10.0.0.2:6380');
    expect(tcp).toMatchObject({ socket: { host: '10.0.0.2', port: 6380 }, password: 's3cret', label: 'redis://10.0.0.2:6380' });
    expect(parseRedisUrl('redis://localhost').socket).toEqual({ host: 'localhost', port: 6379 });
  });

  it('refuses anything else with a message that does not echo it', () => {
    expect(() => parseRedisUrl('http://user:pw@host')).toThrow('Not a Redis URL: use unix:///path/to/redis.sock or redis://host:port');
    expect(() => parseRedisUrl('not a url')).toThrow(/^Not a Redis URL/);
  });
});

describe.skipIf(!hasRedisServer)('RedisReferenceSource on a real redis-server', () => {
  let redis: RedisServer;
  let seed: ReferenceRedisSeed;

  beforeAll(async () => {
    redis = await startRedisServer();
    seed = await ReferenceRedisSeed.connect(redis.socketPath);
  });
  afterAll(async () => {
    await seed?.close();
    await redis?.stop();
  });

  it('reads tokens, keys, e-mail passwords (DB 1) and the backup keys as the reference stored them, changing nothing', async () => {
    const phone = referenceToken('phone', new Date(2024, 4, 1, 12, 30, 0));
    await seed.storeToken(phone);
    await seed.createRecoveryKey(null, 3);
    await seed.addEmailPassword('alice', '0b5f6c9e-1111-4a4a-8c8c-000000000001', {
      hash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      displayName: 'Thunderbird',
      createdAt: new Date('2024-05-01T10:00:00Z'),
    });
    await seed.storeBackupConfiguration({ kind: 'BACKBLAZE', login: 'kid', key: 'app-key', location: 'bucket', repoId: 'b-id', periodMinutes: 60, localSecret: 'the-secret' });
    await seed.storeLastBackup('nextcloud', { id: 'abcd1234', createdAt: new Date('2024-05-02T00:00:00Z'), reason: 'AUTO' });
    const before = await seed.dump();

    const records = await new RedisReferenceSource(parseRedisUrl(redis.url)).read();

    expect(records.deviceTokens).toEqual([phone]);
    expect(records.recoveryKey).toMatchObject({ expires_at: 'None', uses_left: '3' });
    expect(records.newDeviceKey).toBeUndefined();
    expect(records.emailPasswords).toEqual([
      {
        username: 'alice',
        uuid: '0b5f6c9e-1111-4a4a-8c8c-000000000001',
        fields: { password: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', display_name: 'Thunderbird', created_at: '2024-05-01T10:00:00+00:00' },
      },
    ]);
    expect(records.backup).toMatchObject({
      provider: { kind: 'BACKBLAZE', login: 'kid', key: 'app-key', location: 'bucket', repo_id: 'b-id' },
      autobackupPeriod: '60',
      initialized: true,
      localSecret: 'the-secret',
      lastBackedUp: [{ serviceId: 'nextcloud', fields: { id: 'abcd1234', created_at: '2024-05-02T00:00:00+00:00' } }],
    });
    expect(await seed.dump()).toBe(before);
  });

  it('fails within seconds with the place it tried when nothing listens there', async () => {
    const port = await freePort();
    const started = Date.now();

    const socketError = new RedisReferenceSource(parseRedisUrl(`${redis.url}.missing`)).read();
    const tcpError = new RedisReferenceSource(parseRedisUrl(`redis://:pw@127.0.0.1:${port}`)).read();

    await expect(socketError).rejects.toThrow(`Cannot reach the reference's Redis at ${redis.url}.missing: ENOENT`);
    await expect(tcpError).rejects.toThrow(`Cannot reach the reference's Redis at redis://127.0.0.1:${port}: ECONNREFUSED`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
