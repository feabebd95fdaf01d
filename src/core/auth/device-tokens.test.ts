import { describe, expect, it } from 'vitest';
import { makeAuthDeps } from '../../../test/fakes/in-memory-auth.js';
import { sanitizeDeviceName } from './device-name.js';
import {
  authenticate,
  createDeviceToken,
  deleteDeviceToken,
  ensureInitialToken,
  extractToken,
  listDevices,
  refreshDeviceToken,
} from './device-tokens.js';
import { hashSecret } from './secrets.js';

describe('sanitizeDeviceName', () => {
  it.each([
    ['new_device', 'new_device'],
    ['My Phone', 'My_Phone'],
    ['My Phone!', 'My_Phone_'],
    ['Телефон', '_______'],
    ['pixel😀', 'pixel_'],
    ['', 'Unknown device'],
  ])('turns %j into %j', (raw, expected) => {
    expect(sanitizeDeviceName(raw)).toBe(expected);
  });
});

describe('extractToken', () => {
  it('strips every "Bearer " and accepts a bare token', () => {
    expect(extractToken('Bearer abc')).toBe('abc');
    expect(extractToken('abc')).toBe('abc');
    expect(extractToken('Bearer Bearer abc')).toBe('abc');
    expect(extractToken('bearer abc')).toBe('bearer abc');
    expect(extractToken('Bearer ')).toBeUndefined();
    expect(extractToken(undefined)).toBeUndefined();
  });
});

describe('createDeviceToken', () => {
  it('returns a 43-character URL-safe token and stores only its SHA-256 digest', async () => {
    const deps = makeAuthDeps();

    const { token, name } = await createDeviceToken(deps, 'My Phone');

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(name).toBe('My_Phone');
    expect(deps.tokens.rows).toEqual([{ name: 'My_Phone', createdAt: deps.clock.now(), tokenHash: hashSecret(token) }]);
  });

  it('appends random digits while the name is taken', async () => {
    const deps = makeAuthDeps();
    await createDeviceToken(deps, 'phone');

    const second = await createDeviceToken(deps, 'phone');

    expect(second.name).toMatch(/^phone\d$/);
  });
});

describe('authenticate and listDevices', () => {
  it('finds the device by token and marks the caller', async () => {
    const deps = makeAuthDeps();
    const a = await createDeviceToken(deps, 'a');
    await createDeviceToken(deps, 'b');

    const caller = await authenticate(deps, a.token);

    expect(caller?.device.name).toBe('a');
    expect(await authenticate(deps, 'not-a-token')).toBeUndefined();
    expect(await listDevices(deps, caller!)).toEqual([
      { name: 'a', createdAt: deps.clock.now(), isCaller: true },
      { name: 'b', createdAt: deps.clock.now(), isCaller: false },
    ]);
  });
});

describe('refreshDeviceToken', () => {
  it('replaces the token and keeps name and creation date', async () => {
    const deps = makeAuthDeps();
    const { token } = await createDeviceToken(deps, 'laptop');
    deps.clock.advance(5000);

    const fresh = await refreshDeviceToken(deps, token);

    expect(fresh).not.toBe(token);
    expect(await authenticate(deps, token)).toBeUndefined();
    expect((await authenticate(deps, fresh))?.device).toEqual({ name: 'laptop', createdAt: new Date('2026-01-10T10:00:00Z') });
  });

  it('announces the old token\'s digest as revoked, never a token', async () => {
    const deps = makeAuthDeps();
    const { token } = await createDeviceToken(deps, 'laptop');
    const revocations = deps.pubsub.subscribe('tokenRevoked');

    const fresh = await refreshDeviceToken(deps, token);

    const announced = (await revocations.next()).value;
    expect(announced).toEqual({ tokenHash: hashSecret(token) });
    expect(JSON.stringify(announced)).not.toContain(token);
    expect(JSON.stringify(announced)).not.toContain(fresh);
  });

  it('rejects an unknown token with TOKEN_NOT_FOUND', async () => {
    await expect(refreshDeviceToken(makeAuthDeps(), 'gone')).rejects.toMatchObject({
      code: 'TOKEN_NOT_FOUND',
      message: 'Access token was not found.',
    });
  });
});

describe('deleteDeviceToken', () => {
  it('refuses the caller its own token', async () => {
    const deps = makeAuthDeps();
    const { token } = await createDeviceToken(deps, 'me');
    const caller = (await authenticate(deps, token))!;

    await expect(deleteDeviceToken(deps, caller, 'me')).rejects.toMatchObject({ code: 'CANNOT_DELETE_CALLER_TOKEN', status: 400 });
    expect(deps.tokens.rows).toHaveLength(1);
  });

  it('deletes another device and reports unknown names as TOKEN_NOT_FOUND', async () => {
    const deps = makeAuthDeps();
    const caller = (await authenticate(deps, (await createDeviceToken(deps, 'me')).token))!;
    await createDeviceToken(deps, 'old');

    await deleteDeviceToken(deps, caller, 'old');

    expect(deps.tokens.rows.map((r) => r.name)).toEqual(['me']);
    await expect(deleteDeviceToken(deps, caller, 'old')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND', status: 404 });
  });
});

describe('deleteDeviceToken revocation', () => {
  it('announces the deleted token\'s digest as revoked', async () => {
    const deps = makeAuthDeps();
    const caller = (await authenticate(deps, (await createDeviceToken(deps, 'me')).token))!;
    const old = await createDeviceToken(deps, 'old');
    const revocations = deps.pubsub.subscribe('tokenRevoked');

    await deleteDeviceToken(deps, caller, 'old');

    expect((await revocations.next()).value).toEqual({ tokenHash: hashSecret(old.token) });
  });
});

describe('ensureInitialToken', () => {
  it('creates `initial` only when no token exists', async () => {
    const deps = makeAuthDeps();

    const first = await ensureInitialToken(deps);
    const second = await ensureInitialToken(deps);

    expect(first?.name).toBe('initial');
    expect((await authenticate(deps, first!.token))?.device.name).toBe('initial');
    expect(second).toBeUndefined();
  });
});
