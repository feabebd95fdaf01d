import { describe, expect, it } from 'vitest';
import { makeAuthDeps } from '../../../test/fakes/in-memory-auth.js';
import { authenticate } from './device-tokens.js';
import { authorizeWithNewDeviceKey, generateNewDeviceKey, invalidateNewDeviceKey } from './new-device-key.js';
import { generateRecoveryKey, getRecoveryKeyStatus, useRecoveryKey } from './recovery-key.js';
import { fromMnemonic, hashSecret } from './secrets.js';

const use = (phrase: string, deviceName = 'dev') => ({ phrase, deviceName, clientKey: '127.0.0.1' });

describe('generateRecoveryKey', () => {
  it('returns an 18-word phrase and stores only the digest of its 24 bytes', async () => {
    const deps = makeAuthDeps();

    const phrase = await generateRecoveryKey(deps, { uses: 3 });

    expect(phrase.split(' ')).toHaveLength(18);
    const entropy = fromMnemonic(phrase)!;
    expect(entropy).toHaveLength(24);
    expect(deps.authKeys.recovery).toEqual({ keyHash: hashSecret(entropy), createdAt: deps.clock.now(), expiresAt: null, usesLeft: 3 });
  });

  it('rejects an expiration in the past and uses below 1', async () => {
    const deps = makeAuthDeps();
    const past = new Date(deps.clock.now().getTime() - 1000);

    await expect(generateRecoveryKey(deps, { expiresAt: past })).rejects.toMatchObject({ code: 'EXPIRATION_IN_PAST', status: 400 });
    await expect(generateRecoveryKey(deps, { uses: 0 })).rejects.toMatchObject({
      code: 'INVALID_USES',
      message: 'Uses left must be greater than 0.',
    });
    expect(deps.authKeys.recovery).toBeUndefined();
  });
});

describe('useRecoveryKey', () => {
  it('creates a device token and spends a use; the key stays, invalid, at 0', async () => {
    const deps = makeAuthDeps();
    const phrase = await generateRecoveryKey(deps, { uses: 1 });

    const token = await useRecoveryKey(deps, use(phrase, 'Lost Phone'));

    expect((await authenticate(deps, token))?.device.name).toBe('Lost_Phone');
    expect(await getRecoveryKeyStatus(deps)).toMatchObject({ exists: true, valid: false, usesLeft: 0 });
    await expect(useRecoveryKey(deps, use(phrase))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND', status: 404 });
  });

  it('refuses an expired key, a wrong phrase and a non-normalized phrase', async () => {
    const deps = makeAuthDeps();
    const expiresAt = new Date(deps.clock.now().getTime() + 60_000);
    const phrase = await generateRecoveryKey(deps, { expiresAt });
    const other = await generateRecoveryKey(makeAuthDeps());

    await expect(useRecoveryKey(deps, use(other))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND' });
    await expect(useRecoveryKey(deps, use(phrase.toUpperCase()))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND' });
    await expect(useRecoveryKey(deps, use(phrase.replace(' ', '  ')))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND' });
    deps.clock.advance(120_000);
    await expect(useRecoveryKey(deps, use(phrase))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND' });
    expect(await getRecoveryKeyStatus(deps)).toMatchObject({ exists: true, valid: false, usesLeft: null });
  });

  it('is unlimited without uses, and answers no key as not found', async () => {
    const deps = makeAuthDeps();
    await expect(useRecoveryKey(deps, use('abandon abandon'))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND' });
    const phrase = await generateRecoveryKey(deps);

    for (let i = 0; i < 3; i++) await useRecoveryKey(deps, use(phrase, `d${i}`));

    expect(deps.tokens.rows).toHaveLength(3);
    expect(await getRecoveryKeyStatus(deps)).toMatchObject({ valid: true, usesLeft: null });
  });

  it('blocks an address after too many failures, even for the right phrase', async () => {
    const deps = makeAuthDeps(2);
    const phrase = await generateRecoveryKey(deps);
    const wrong = await generateRecoveryKey(makeAuthDeps());

    await expect(useRecoveryKey(deps, use(wrong))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND' });
    await expect(useRecoveryKey(deps, use(wrong))).rejects.toMatchObject({ code: 'RECOVERY_KEY_NOT_FOUND' });

    await expect(useRecoveryKey(deps, use(phrase))).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS', status: 429 });
    await expect(useRecoveryKey(deps, { ...use(phrase), clientKey: '10.0.0.9' })).resolves.toMatch(/^[\w-]{43}$/);
  });
});

describe('new device key', () => {
  it('is a 12-word phrase valid for ten minutes and only once', async () => {
    const deps = makeAuthDeps();
    const phrase = await generateNewDeviceKey(deps);

    expect(phrase.split(' ')).toHaveLength(12);
    expect(deps.authKeys.newDevice?.expiresAt).toEqual(new Date('2026-01-10T10:10:00Z'));
    await expect(authorizeWithNewDeviceKey(deps, use(await generateRecoveryKey(makeAuthDeps())))).rejects.toMatchObject({
      code: 'NEW_DEVICE_KEY_NOT_FOUND',
    });
    const token = await authorizeWithNewDeviceKey(deps, use(phrase, 'Tablet'));

    expect((await authenticate(deps, token))?.device.name).toBe('Tablet');
    await expect(authorizeWithNewDeviceKey(deps, use(phrase))).rejects.toMatchObject({
      code: 'NEW_DEVICE_KEY_NOT_FOUND',
      message: 'Access token was not found.',
    });
  });

  it('refuses an expired key without deleting it, and can be invalidated', async () => {
    const deps = makeAuthDeps();
    const phrase = await generateNewDeviceKey(deps);
    deps.clock.advance(10 * 60_000 + 1);

    await expect(authorizeWithNewDeviceKey(deps, use(phrase))).rejects.toMatchObject({ code: 'NEW_DEVICE_KEY_NOT_FOUND' });
    expect(deps.authKeys.newDevice).toBeDefined();
    await invalidateNewDeviceKey(deps);
    expect(deps.authKeys.newDevice).toBeUndefined();
  });
});
