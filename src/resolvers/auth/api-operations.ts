import { deleteDeviceToken, refreshDeviceToken } from '../../core/auth/device-tokens.js';
import { authorizeWithNewDeviceKey, generateNewDeviceKey, invalidateNewDeviceKey } from '../../core/auth/new-device-key.js';
import { generateRecoveryKey, useRecoveryKey } from '../../core/auth/recovery-key.js';
import type { RecoveryKeyLimitsInput, UseNewDeviceKeyInput, UseRecoveryKeyInput } from '../../schema/auth/api.type.js';
import { type GqlContext, callerOf } from '../context.js';
import { mutationResult } from '../mutation-return.js';

// Each ApiMutations operation once: the namespaced field and its deprecated root twin both call these.

export const apiOperations = {
  getNewRecoveryApiKey: (ctx: GqlContext, limits?: RecoveryKeyLimitsInput | null) =>
    mutationResult(ctx.deps.logger, { code: 200, message: 'Recovery key generated' }, async () => ({
      key: await generateRecoveryKey(ctx.deps, { expiresAt: limits?.expirationDate, uses: limits?.uses }),
    })),

  useRecoveryApiKey: (ctx: GqlContext, input: UseRecoveryKeyInput) =>
    mutationResult(ctx.deps.logger, { code: 200, message: 'Recovery key used' }, async () => ({
      token: await useRecoveryKey(ctx.deps, { phrase: input.key, deviceName: input.deviceName, clientKey: ctx.clientKey }),
    })),

  refreshDeviceApiToken: (ctx: GqlContext) =>
    mutationResult(ctx.deps.logger, { code: 200, message: 'Token refreshed' }, async () => ({
      token: await refreshDeviceToken(ctx.deps, callerOf(ctx).token),
    })),

  deleteDeviceApiToken: (ctx: GqlContext, device: string) =>
    mutationResult(
      ctx.deps.logger,
      { code: 200, message: 'Token deleted' },
      async () => (await deleteDeviceToken(ctx.deps, callerOf(ctx), device), {}),
      500,
    ),

  getNewDeviceApiKey: (ctx: GqlContext) =>
    mutationResult(ctx.deps.logger, { code: 200, message: 'Device api key generated' }, async () => ({
      key: await generateNewDeviceKey(ctx.deps),
    })),

  invalidateNewDeviceApiKey: (ctx: GqlContext) =>
    mutationResult(ctx.deps.logger, { code: 200, message: 'New device key deleted' }, async () => {
      await invalidateNewDeviceKey(ctx.deps);
      return {};
    }),

  authorizeWithNewDeviceApiKey: (ctx: GqlContext, input: UseNewDeviceKeyInput) =>
    mutationResult(ctx.deps.logger, { code: 200, message: 'Token used' }, async () => ({
      token: await authorizeWithNewDeviceKey(ctx.deps, {
        phrase: input.key,
        deviceName: input.deviceName,
        clientKey: ctx.clientKey,
      }),
    })),
};
