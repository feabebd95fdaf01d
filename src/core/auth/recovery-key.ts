import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { AUTH_MESSAGES } from './auth-messages.js';
import type { RecoveryKey, RecoveryKeyStatus } from './auth-types.js';
import { withAttemptLimit } from './attempts.js';
import { createDeviceToken } from './device-tokens.js';
import { digestsEqual, fromMnemonic, hashSecret, randomKeyBytes, toMnemonic } from './secrets.js';

const RECOVERY_KEY_BYTES = 24; // an 18-word phrase

export function isRecoveryKeyValid(key: RecoveryKey, now: Date): boolean {
  const notExpired = key.expiresAt === null || key.expiresAt.getTime() >= now.getTime();
  const usesRemain = key.usesLeft === null || key.usesLeft > 0;
  return notExpired && usesRemain;
}

/** Whether a recovery key exists and can be used now. */
export async function getRecoveryKeyStatus(deps: Pick<Deps, 'authKeys' | 'clock'>): Promise<RecoveryKeyStatus> {
  const key = await deps.authKeys.getRecoveryKey();
  if (!key) return { exists: false, valid: false, createdAt: null, expiresAt: null, usesLeft: null };
  return {
    exists: true,
    valid: isRecoveryKeyValid(key, deps.clock.now()),
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    usesLeft: key.usesLeft,
  };
}

export interface RecoveryKeyLimits {
  expiresAt?: Date | null;
  uses?: number | null;
}

/** Replaces the recovery key; returns its 18-word phrase (shown once, stored only as a digest). */
export async function generateRecoveryKey(
  deps: Pick<Deps, 'authKeys' | 'clock'>,
  limits: RecoveryKeyLimits = {},
): Promise<string> {
  const now = deps.clock.now();
  const expiresAt = limits.expiresAt ?? null;
  const uses = limits.uses ?? null;
  if (expiresAt && expiresAt.getTime() < now.getTime()) {
    throw new CoreError('EXPIRATION_IN_PAST', AUTH_MESSAGES.expirationInPast);
  }
  if (uses !== null && uses <= 0) throw new CoreError('INVALID_USES', AUTH_MESSAGES.usesMustBePositive);
  const entropy = randomKeyBytes(RECOVERY_KEY_BYTES);
  await deps.authKeys.saveRecoveryKey({ keyHash: hashSecret(entropy), createdAt: now, expiresAt, usesLeft: uses });
  return toMnemonic(entropy);
}

/** Trades a valid recovery phrase for a new device token, spending one use of the key. */
export async function useRecoveryKey(
  deps: Pick<Deps, 'authKeys' | 'tokens' | 'clock' | 'attempts'>,
  input: { phrase: string; deviceName: string; clientKey: string },
): Promise<string> {
  return withAttemptLimit(deps, input.clientKey, 'RECOVERY_KEY_NOT_FOUND', async () => {
    const notFound = new CoreError('RECOVERY_KEY_NOT_FOUND', AUTH_MESSAGES.recoveryKeyNotFound);
    const now = deps.clock.now();
    const stored = await deps.authKeys.getRecoveryKey();
    const entropy = fromMnemonic(input.phrase);
    if (!stored || !entropy || !isRecoveryKeyValid(stored, now)) throw notFound;
    if (!digestsEqual(stored.keyHash, hashSecret(entropy))) throw notFound;
    if (!(await deps.authKeys.spendRecoveryKey(stored.keyHash, now))) throw notFound;
    return (await createDeviceToken(deps, input.deviceName)).token;
  });
}
