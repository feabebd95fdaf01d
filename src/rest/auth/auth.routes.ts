import { z } from 'zod';
import { LEGACY_AUTH_MESSAGES as LEGACY } from '../../core/auth/auth-messages.js';
import type { Caller } from '../../core/auth/auth-types.js';
import { deleteDeviceToken, listDevices, refreshDeviceToken } from '../../core/auth/device-tokens.js';
import { authorizeWithNewDeviceKey, generateNewDeviceKey, invalidateNewDeviceKey } from '../../core/auth/new-device-key.js';
import { generateRecoveryKey, getRecoveryKeyStatus, useRecoveryKey } from '../../core/auth/recovery-key.js';
import { naiveLocalIso } from '../../core/time/iso-format.js';
import { field } from '../legacy-fields.js';
import { legacyRoute, UNAUTHORIZED } from '../legacy-route.js';
import { parseLegacyExpiration } from './legacy-dates.js';

const tag = 'tokens';
const tokenBody = z.object({ token: z.string() });
const tooMany = { description: 'Too many failed attempts from this address' };
const localDate = (date: Date | null) => (date ? naiveLocalIso(date) : null);
const caller = (c: Caller | undefined) => c as Caller; // non-public routes always have one

export const authRoutes = [
  legacyRoute({
    method: 'get',
    path: '/auth/tokens',
    summary: 'Get current device tokens',
    tag,
    responses: {
      200: {
        description: 'List of tokens',
        body: z.array(z.object({ name: z.string(), date: z.string(), is_caller: z.boolean() })),
      },
      401: UNAUTHORIZED,
    },
    async handle({ deps, caller: c }) {
      const devices = await listDevices(deps, caller(c));
      return { status: 200, body: devices.map((d) => ({ name: d.name, date: naiveLocalIso(d.createdAt), is_caller: d.isCaller })) };
    },
  }),

  legacyRoute({
    method: 'delete',
    path: '/auth/tokens',
    summary: 'Delete token',
    tag,
    // 1.2.x read `token_name`; the seed documents `token`; one app version sent `device`.
    fields: {
      token_name: field.string({ description: 'Name of the device whose token to delete' }),
      token: field.string({ description: 'Same as token_name (documented form)' }),
      device: field.string({ description: 'Same as token_name (one app version)' }),
    },
    responses: {
      200: { description: 'Token deleted', body: z.object({ message: z.string() }) },
      400: { description: 'Missing name, or the caller\u2019s own token' },
      401: UNAUTHORIZED,
      404: { description: 'Token not found' },
    },
    errors: {
      CANNOT_DELETE_CALLER_TOKEN: { status: 400, body: { message: LEGACY.cannotDeleteCallerToken } },
      TOKEN_NOT_FOUND: { status: 404, body: { message: LEGACY.tokenNotFound } },
    },
    async handle({ deps, fields, caller: c }) {
      const name = fields.token_name ?? fields.token ?? fields.device;
      if (name === undefined) return { status: 400, body: { message: { token_name: 'Token to delete' } } };
      await deleteDeviceToken(deps, caller(c), name);
      return { status: 200, body: { message: LEGACY.tokenDeleted } };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/auth/tokens',
    summary: "Refresh the caller's token",
    tag,
    responses: { 200: { description: 'The new token', body: tokenBody }, 401: UNAUTHORIZED, 404: { description: 'Token not found' } },
    errors: { TOKEN_NOT_FOUND: { status: 404, body: { message: LEGACY.tokenNotFound } } },
    async handle({ deps, caller: c }) {
      return { status: 200, body: { token: await refreshDeviceToken(deps, caller(c).token) } };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/auth/new_device',
    summary: 'Get a new device key (12-word mnemonic, valid 10 minutes, single use)',
    tag,
    responses: { 200: { description: 'The pairing key', body: tokenBody }, 401: UNAUTHORIZED },
    async handle({ deps }) {
      return { status: 200, body: { token: await generateNewDeviceKey(deps) } };
    },
  }),

  legacyRoute({
    method: 'delete',
    path: '/auth/new_device',
    summary: 'Invalidate the new device key',
    tag,
    responses: { 200: { description: 'Deleted (also when there was none)', body: z.object({ token: z.null() }) }, 401: UNAUTHORIZED },
    async handle({ deps }) {
      await invalidateNewDeviceKey(deps);
      return { status: 200, body: { token: null } };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/auth/new_device/authorize',
    summary: 'Authorize a device with the new device key',
    tag,
    public: true,
    fields: {
      token: field.string({ required: true, secret: true, help: 'Mnemonic token to authorize' }),
      device: field.string({ required: true, help: 'Device to authorize' }),
    },
    responses: {
      200: { description: 'Device authorized', body: z.object({ message: z.string(), token: z.string() }) },
      400: { description: 'Missing field' },
      404: { description: 'Token not found' },
      429: tooMany,
    },
    errors: { NEW_DEVICE_KEY_NOT_FOUND: { status: 404, body: { message: LEGACY.tokenNotFound } } },
    async handle({ deps, fields, clientKey }) {
      const token = await authorizeWithNewDeviceKey(deps, { phrase: fields.token!, deviceName: fields.device!, clientKey });
      return { status: 200, body: { message: LEGACY.deviceAuthorized, token } };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/auth/recovery_token',
    summary: 'Get recovery token status',
    tag,
    responses: {
      200: {
        description: 'Recovery token status',
        body: z.object({
          exists: z.boolean(),
          valid: z.boolean(),
          date: z.string().nullable(),
          expiration: z.string().nullable(),
          uses_left: z.number().int().nullable(),
        }),
      },
      401: UNAUTHORIZED,
    },
    async handle({ deps }) {
      const s = await getRecoveryKeyStatus(deps);
      const body = { exists: s.exists, valid: s.valid, date: localDate(s.createdAt), expiration: localDate(s.expiresAt), uses_left: s.usesLeft };
      return { status: 200, body };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/auth/recovery_token',
    summary: 'Generate recovery token (18-word mnemonic)',
    tag,
    fields: {
      expiration: field.string({ help: 'Token expiration date', description: 'YYYY-MM-DDTHH:MM:SS.SSS (server local time) or ISO 8601' }),
      uses: field.integer({ help: 'Token uses' }),
    },
    responses: {
      200: { description: 'The recovery key', body: tokenBody },
      400: { description: 'Invalid expiration or uses' },
      401: UNAUTHORIZED,
    },
    errors: {
      EXPIRATION_IN_PAST: { status: 400, body: { message: LEGACY.expirationInPast } },
      INVALID_USES: { status: 400, body: { message: LEGACY.usesMustBePositive } },
    },
    async handle({ deps, fields }) {
      let expiresAt: Date | null = null;
      if (fields.expiration) {
        const parsed = parseLegacyExpiration(fields.expiration);
        if (!parsed) return { status: 400, body: { error: LEGACY.invalidExpiration } };
        expiresAt = parsed;
      }
      return { status: 200, body: { token: await generateRecoveryKey(deps, { expiresAt, uses: fields.uses ?? null }) } };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/auth/recovery_token/use',
    summary: 'Use recovery token',
    tag,
    public: true,
    fields: {
      token: field.string({ required: true, secret: true, help: 'Mnemonic recovery token' }),
      device: field.string({ required: true, help: 'Device to authorize' }),
    },
    responses: {
      200: { description: 'A new device token', body: tokenBody },
      400: { description: 'Missing field' },
      404: { description: 'Token not found' },
      429: tooMany,
    },
    errors: { RECOVERY_KEY_NOT_FOUND: { status: 404, body: { error: LEGACY.tokenNotFound } } },
    async handle({ deps, fields, clientKey }) {
      const token = await useRecoveryKey(deps, { phrase: fields.token!, deviceName: fields.device!, clientKey });
      return { status: 200, body: { token } };
    },
  }),
];
