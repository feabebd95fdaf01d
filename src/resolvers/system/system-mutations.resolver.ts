import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver } from 'type-graphql';
import { GenericJobMutationReturn, GenericMutationReturn } from '../../schema/mutation-return.type.js';
import {
  AutoUpgradeSettingsInput,
  AutoUpgradeSettingsMutationReturn,
  SetDnsProviderInput,
  SSHSettingsInput,
  SSHSettingsMutationReturn,
  SystemMutations,
  TimezoneMutationReturn,
} from '../../schema/system/system.type.js';
import type { GqlContext } from '../context.js';
import { systemOperations as ops } from './system-operations.js';

@Resolver(() => SystemMutations)
export class SystemMutationsResolver {
  @Authorized()
  @Mutation(() => SystemMutations)
  system(): SystemMutations {
    return new SystemMutations();
  }

  @Authorized()
  @FieldResolver(() => TimezoneMutationReturn)
  changeTimezone(@Ctx() ctx: GqlContext, @Arg('timezone', () => String) timezone: string) {
    return ops.changeTimezone(ctx, timezone);
  }

  @Authorized()
  @FieldResolver(() => AutoUpgradeSettingsMutationReturn)
  changeAutoUpgradeSettings(
    @Ctx() ctx: GqlContext,
    @Arg('settings', () => AutoUpgradeSettingsInput) settings: AutoUpgradeSettingsInput,
  ) {
    return ops.changeAutoUpgradeSettings(ctx, settings);
  }

  @Authorized()
  @FieldResolver(() => SSHSettingsMutationReturn)
  changeSshSettings(@Ctx() ctx: GqlContext, @Arg('settings', () => SSHSettingsInput) settings: SSHSettingsInput) {
    return ops.changeSshSettings(ctx, settings);
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  runSystemRebuild(@Ctx() ctx: GqlContext) {
    return ops.runSystemRebuild(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  runSystemRollback(@Ctx() ctx: GqlContext) {
    return ops.runSystemRollback(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  runSystemUpgrade(@Ctx() ctx: GqlContext) {
    return ops.runSystemUpgrade(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  rebootSystem(@Ctx() ctx: GqlContext) {
    return ops.rebootSystem(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  pullRepositoryChanges(@Ctx() ctx: GqlContext) {
    return ops.pullRepositoryChanges(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  nixCollectGarbage(@Ctx() ctx: GqlContext) {
    return ops.nixCollectGarbage(ctx);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  setDnsProvider(@Ctx() ctx: GqlContext, @Arg('input', () => SetDnsProviderInput) input: SetDnsProviderInput) {
    return ops.setDnsProvider(ctx, input);
  }
}

const deprecated = (name: string) => ({ deprecationReason: `Use \`system.${name}\` instead` });

/** The deprecated root-level twins of SystemMutations: same operations, same auth rules. */
@Resolver()
export class SystemRootMutationsResolver {
  @Authorized()
  @Mutation(() => TimezoneMutationReturn, deprecated('change_timezone'))
  changeTimezone(@Ctx() ctx: GqlContext, @Arg('timezone', () => String) timezone: string) {
    return ops.changeTimezone(ctx, timezone);
  }

  @Authorized()
  @Mutation(() => AutoUpgradeSettingsMutationReturn, deprecated('change_auto_upgrade_settings'))
  changeAutoUpgradeSettings(
    @Ctx() ctx: GqlContext,
    @Arg('settings', () => AutoUpgradeSettingsInput) settings: AutoUpgradeSettingsInput,
  ) {
    return ops.changeAutoUpgradeSettings(ctx, settings);
  }

  // The contract types these three GenericMutationReturn: the action runs, the job is not returned.
  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('run_system_rebuild'))
  runSystemRebuild(@Ctx() ctx: GqlContext) {
    return ops.runSystemRebuild(ctx);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('run_system_rollback'))
  runSystemRollback(@Ctx() ctx: GqlContext) {
    return ops.runSystemRollback(ctx);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('run_system_upgrade'))
  runSystemUpgrade(@Ctx() ctx: GqlContext) {
    return ops.runSystemUpgrade(ctx);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('reboot_system'))
  rebootSystem(@Ctx() ctx: GqlContext) {
    return ops.rebootSystem(ctx);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('pull_repository_changes'))
  pullRepositoryChanges(@Ctx() ctx: GqlContext) {
    return ops.pullRepositoryChanges(ctx);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('change_ssh_settings'))
  setSshSettings(@Ctx() ctx: GqlContext, @Arg('settings', () => SSHSettingsInput) settings: SSHSettingsInput) {
    return ops.changeSshSettings(ctx, settings);
  }
}
