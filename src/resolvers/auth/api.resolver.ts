import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver } from 'type-graphql';
import { listDevices } from '../../core/auth/device-tokens.js';
import { getRecoveryKeyStatus } from '../../core/auth/recovery-key.js';
import { API_VERSION } from '../../core/version.js';
import {
  Api,
  ApiDevice,
  ApiMutations,
  ApiRecoveryKeyStatus,
  RecoveryKeyLimitsInput,
  UseNewDeviceKeyInput,
  UseRecoveryKeyInput,
} from '../../schema/auth/api.type.js';
import { ApiKeyMutationReturn, DeviceApiTokenMutationReturn, GenericMutationReturn } from '../../schema/mutation-return.type.js';
import { apiOperations as ops } from './api-operations.js';
import { type GqlContext, callerOf } from '../context.js';
import { toApiDevice, toRecoveryKeyStatus } from '../to-graphql.js';

@Resolver(() => Api)
export class ApiResolver {
  @Query(() => Api)
  api(): Api {
    return new Api();
  }

  @FieldResolver(() => String)
  version(): string {
    return API_VERSION;
  }

  @Authorized()
  @FieldResolver(() => [ApiDevice])
  async devices(@Ctx() ctx: GqlContext): Promise<ApiDevice[]> {
    return (await listDevices(ctx.deps, callerOf(ctx))).map(toApiDevice);
  }

  @Authorized()
  @FieldResolver(() => ApiRecoveryKeyStatus)
  async recoveryKey(@Ctx() ctx: GqlContext): Promise<ApiRecoveryKeyStatus> {
    return toRecoveryKeyStatus(await getRecoveryKeyStatus(ctx.deps));
  }
}

@Resolver(() => ApiMutations)
export class ApiMutationsResolver {
  @Mutation(() => ApiMutations)
  api(): ApiMutations {
    return new ApiMutations();
  }

  @Authorized()
  @FieldResolver(() => ApiKeyMutationReturn)
  getNewRecoveryApiKey(
    @Ctx() ctx: GqlContext,
    @Arg('limits', () => RecoveryKeyLimitsInput, { nullable: true }) limits?: RecoveryKeyLimitsInput | null,
  ) {
    return ops.getNewRecoveryApiKey(ctx, limits);
  }

  @FieldResolver(() => DeviceApiTokenMutationReturn)
  useRecoveryApiKey(@Ctx() ctx: GqlContext, @Arg('input', () => UseRecoveryKeyInput) input: UseRecoveryKeyInput) {
    return ops.useRecoveryApiKey(ctx, input);
  }

  @Authorized()
  @FieldResolver(() => DeviceApiTokenMutationReturn)
  refreshDeviceApiToken(@Ctx() ctx: GqlContext) {
    return ops.refreshDeviceApiToken(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  deleteDeviceApiToken(@Ctx() ctx: GqlContext, @Arg('device', () => String) device: string) {
    return ops.deleteDeviceApiToken(ctx, device);
  }

  @Authorized()
  @FieldResolver(() => ApiKeyMutationReturn)
  getNewDeviceApiKey(@Ctx() ctx: GqlContext) {
    return ops.getNewDeviceApiKey(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  invalidateNewDeviceApiKey(@Ctx() ctx: GqlContext) {
    return ops.invalidateNewDeviceApiKey(ctx);
  }

  @FieldResolver(() => DeviceApiTokenMutationReturn)
  authorizeWithNewDeviceApiKey(
    @Ctx() ctx: GqlContext,
    @Arg('input', () => UseNewDeviceKeyInput) input: UseNewDeviceKeyInput,
  ) {
    return ops.authorizeWithNewDeviceApiKey(ctx, input);
  }
}

const deprecated = (name: string) => ({ deprecationReason: `Use \`api.${name}\` instead` });

/** The deprecated root-level twins of ApiMutations: same operations, same auth rules. */
@Resolver()
export class ApiRootMutationsResolver {
  @Authorized()
  @Mutation(() => ApiKeyMutationReturn, deprecated('get_new_recovery_api_key'))
  getNewRecoveryApiKey(
    @Ctx() ctx: GqlContext,
    @Arg('limits', () => RecoveryKeyLimitsInput, { nullable: true }) limits?: RecoveryKeyLimitsInput | null,
  ) {
    return ops.getNewRecoveryApiKey(ctx, limits);
  }

  @Mutation(() => DeviceApiTokenMutationReturn, deprecated('use_recovery_api_key'))
  useRecoveryApiKey(@Ctx() ctx: GqlContext, @Arg('input', () => UseRecoveryKeyInput) input: UseRecoveryKeyInput) {
    return ops.useRecoveryApiKey(ctx, input);
  }

  @Authorized()
  @Mutation(() => DeviceApiTokenMutationReturn, deprecated('refresh_device_api_token'))
  refreshDeviceApiToken(@Ctx() ctx: GqlContext) {
    return ops.refreshDeviceApiToken(ctx);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('delete_device_api_token'))
  deleteDeviceApiToken(@Ctx() ctx: GqlContext, @Arg('device', () => String) device: string) {
    return ops.deleteDeviceApiToken(ctx, device);
  }

  @Authorized()
  @Mutation(() => ApiKeyMutationReturn, deprecated('get_new_device_api_key'))
  getNewDeviceApiKey(@Ctx() ctx: GqlContext) {
    return ops.getNewDeviceApiKey(ctx);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('invalidate_new_device_api_key'))
  invalidateNewDeviceApiKey(@Ctx() ctx: GqlContext) {
    return ops.invalidateNewDeviceApiKey(ctx);
  }

  @Mutation(() => DeviceApiTokenMutationReturn, deprecated('authorize_with_new_device_api_key'))
  authorizeWithNewDeviceApiKey(
    @Ctx() ctx: GqlContext,
    @Arg('input', () => UseNewDeviceKeyInput) input: UseNewDeviceKeyInput,
  ) {
    return ops.authorizeWithNewDeviceApiKey(ctx, input);
  }
}
