import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { AUTH_MESSAGES } from './auth-messages.js';
import type { Caller, DeviceInfo, DeviceToken } from './auth-types.js';
import { sanitizeDeviceName, withRandomDigit } from './device-name.js';
import { generateDeviceToken, hashSecret } from './secrets.js';
import { announceRevocation } from './token-revocation.js';

const MAX_NAME_ATTEMPTS = 64;

/** Strips every `Bearer ` (the reference does) so a bare token works too. */
export function extractToken(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const token = value.split('Bearer ').join('').trim();
  return token === '' ? undefined : token;
}

/** The device a presented token belongs to, if any. */
export async function authenticate(
  deps: Pick<Deps, 'tokens'>,
  token: string | undefined,
): Promise<Caller | undefined> {
  if (!token) return undefined;
  const device = await deps.tokens.findByHash(hashSecret(token));
  return device ? { device, token } : undefined;
}

/** Creates a device token under a sanitized, unique name; returns the token (shown once) and the name. */
export async function createDeviceToken(
  deps: Pick<Deps, 'tokens' | 'clock'>,
  rawName: string,
): Promise<{ token: string; name: string }> {
  let name = sanitizeDeviceName(rawName);
  const token = generateDeviceToken();
  const createdAt = deps.clock.now();
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    if (await deps.tokens.insert({ name, createdAt, tokenHash: hashSecret(token) })) return { token, name };
    name = withRandomDigit(name);
  }
  throw new CoreError('INVALID_INPUT', `Could not find a free device name based on ${rawName}`);
}

/** Every paired device; `isCaller` marks the one calling. */
export async function listDevices(deps: Pick<Deps, 'tokens'>, caller: Caller): Promise<DeviceInfo[]> {
  const devices = await deps.tokens.list();
  return devices.map((d: DeviceToken) => ({ ...d, isCaller: d.name === caller.device.name }));
}

type RevokingDeps = Pick<Deps, 'tokens' | 'pubsub' | 'logger'> & Partial<Pick<Deps, 'instances' | 'instanceId' | 'clock'>>;

/** Replaces the caller's token with a new one for the same device (creation date kept); the old one is revoked. */
export async function refreshDeviceToken(deps: RevokingDeps, callerToken: string): Promise<string> {
  const fresh = generateDeviceToken();
  const oldHash = hashSecret(callerToken);
  const replaced = await deps.tokens.replaceHash(oldHash, hashSecret(fresh));
  if (!replaced) throw new CoreError('TOKEN_NOT_FOUND', AUTH_MESSAGES.tokenNotFound);
  await announceRevocation(deps, oldHash);
  return fresh;
}

/** Removes another device's token by name and revokes it; the caller cannot remove its own. */
export async function deleteDeviceToken(deps: RevokingDeps, caller: Caller, name: string): Promise<void> {
  if (name === caller.device.name) {
    throw new CoreError('CANNOT_DELETE_CALLER_TOKEN', AUTH_MESSAGES.cannotDeleteCallerToken);
  }
  const deletedHash = await deps.tokens.deleteByName(name);
  if (!deletedHash) throw new CoreError('TOKEN_NOT_FOUND', AUTH_MESSAGES.tokenNotFound);
  await announceRevocation(deps, deletedHash);
}

/** On a fresh install: creates the `initial` device token; undefined when any token exists. */
export async function ensureInitialToken(
  deps: Pick<Deps, 'tokens' | 'clock'>,
): Promise<{ token: string; name: string } | undefined> {
  if ((await deps.tokens.count()) > 0) return undefined;
  const token = generateDeviceToken();
  const inserted = await deps.tokens.insert({ name: 'initial', createdAt: deps.clock.now(), tokenHash: hashSecret(token) });
  return inserted ? { token, name: 'initial' } : undefined;
}
