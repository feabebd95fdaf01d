import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { AUTH_MESSAGES } from './auth-messages.js';
import { withAttemptLimit } from './attempts.js';
import { createDeviceToken } from './device-tokens.js';
import { digestsEqual, fromMnemonic, hashSecret, randomKeyBytes, toMnemonic } from './secrets.js';

const NEW_DEVICE_KEY_BYTES = 16; // a 12-word phrase
const NEW_DEVICE_KEY_LIFETIME_MS = 10 * 60 * 1000;

/** Replaces the pairing key; returns its 12-word phrase, valid for ten minutes and once. */
export async function generateNewDeviceKey(deps: Pick<Deps, 'authKeys' | 'clock'>): Promise<string> {
  const now = deps.clock.now();
  const entropy = randomKeyBytes(NEW_DEVICE_KEY_BYTES);
  await deps.authKeys.saveNewDeviceKey({
    keyHash: hashSecret(entropy),
    createdAt: now,
    expiresAt: new Date(now.getTime() + NEW_DEVICE_KEY_LIFETIME_MS),
  });
  return toMnemonic(entropy);
}

/** Deletes the pairing key, if any. */
export async function invalidateNewDeviceKey(deps: Pick<Deps, 'authKeys'>): Promise<void> {
  await deps.authKeys.deleteNewDeviceKey();
}

/** Trades the pairing phrase for a device token; the key is consumed. Expired keys stay but do not work. */
export async function authorizeWithNewDeviceKey(
  deps: Pick<Deps, 'authKeys' | 'tokens' | 'clock' | 'attempts'>,
  input: { phrase: string; deviceName: string; clientKey: string },
): Promise<string> {
  return withAttemptLimit(deps, input.clientKey, 'NEW_DEVICE_KEY_NOT_FOUND', async () => {
    const notFound = new CoreError('NEW_DEVICE_KEY_NOT_FOUND', AUTH_MESSAGES.newDeviceKeyNotFound);
    const now = deps.clock.now();
    const stored = await deps.authKeys.getNewDeviceKey();
    const entropy = fromMnemonic(input.phrase);
    if (!stored || !entropy || stored.expiresAt.getTime() < now.getTime()) throw notFound;
    if (!digestsEqual(stored.keyHash, hashSecret(entropy))) throw notFound;
    if (!(await deps.authKeys.consumeNewDeviceKey(stored.keyHash, now))) throw notFound;
    return (await createDeviceToken(deps, input.deviceName)).token;
  });
}
