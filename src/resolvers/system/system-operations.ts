import type { Job } from '../../core/jobs/job-types.js';
import { setDnsProvider } from '../../core/system/dns-provider.js';
import { startGarbageCollection } from '../../core/system/garbage-collection.js';
import { setSshEnabled, getSshSettings } from '../../core/system/ssh-settings.js';
import {
  pullRepositoryChanges,
  rebootSystem,
  rollbackSystem,
  startSystemRebuild,
  startSystemUpgrade,
} from '../../core/system/system-actions.js';
import { SYSTEM_MESSAGES as M } from '../../core/system/system-messages.js';
import { changeAutoUpgradeSettings, getAutoUpgradeSettings } from '../../core/system/system-settings.js';
import { changeTimezone } from '../../core/system/timezone.js';
import type { AutoUpgradeSettingsInput, SetDnsProviderInput, SSHSettingsInput } from '../../schema/system/system.type.js';
import type { GqlContext } from '../context.js';
import { mutationResult } from '../mutation-return.js';
import { toApiJob } from '../to-graphql.js';

// Each SystemMutations operation once: the namespaced field and its deprecated root twin both call these.

const jobResult = (job: Job) => ({ job: toApiJob(job) });

// The return types declare these settings non-null: a failed change still answers with what is stored.
async function withFallback<T extends { success: boolean }, F extends object>(result: T, read: () => Promise<F>, defaults: F) {
  if (result.success) return result;
  return { ...defaults, ...(await read().catch(() => defaults)), ...result };
}

export const systemOperations = {
  changeTimezone: (ctx: GqlContext, timezone: string) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.timezoneChanged }, async () => ({
      timezone: await changeTimezone(ctx.deps, timezone),
    })),

  changeAutoUpgradeSettings: async (ctx: GqlContext, settings: AutoUpgradeSettingsInput) => {
    const result = await mutationResult(ctx.deps.logger, { code: 200, message: M.autoUpgradeChanged }, async () => {
      const stored = await changeAutoUpgradeSettings(ctx.deps, { enable: settings.enableAutoUpgrade, allowReboot: settings.allowReboot });
      return { enableAutoUpgrade: stored.enable, allowReboot: stored.allowReboot };
    });
    const read = async () => {
      const stored = await getAutoUpgradeSettings(ctx.deps);
      return { enableAutoUpgrade: stored.enable, allowReboot: stored.allowReboot };
    };
    return withFallback(result, read, { enableAutoUpgrade: true, allowReboot: false });
  },

  // `passwordAuthentication` in the input is ignored; the answer echoes the stored value (the query says false).
  changeSshSettings: async (ctx: GqlContext, settings: SSHSettingsInput) => {
    const result = await mutationResult(ctx.deps.logger, { code: 200, message: M.sshSettingsChanged }, () =>
      setSshEnabled(ctx.deps, settings.enable),
    );
    return withFallback(result, () => getSshSettings(ctx.deps), { enable: true, passwordAuthentication: false });
  },

  runSystemRebuild: (ctx: GqlContext) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.rebuildStarted }, async () => jobResult(await startSystemRebuild(ctx.deps)), 500),

  runSystemUpgrade: (ctx: GqlContext) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.upgradeStarted }, async () => jobResult(await startSystemUpgrade(ctx.deps)), 500),

  runSystemRollback: (ctx: GqlContext) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.rollbackStarted }, async () => (await rollbackSystem(ctx.deps), {}), 500),

  // The reference does not catch a failed reboot request: it surfaces as a GraphQL error.
  rebootSystem: async (ctx: GqlContext) => {
    await rebootSystem(ctx.deps);
    return { success: true, code: 200, message: M.rebootStarted };
  },

  pullRepositoryChanges: (ctx: GqlContext) =>
    mutationResult(ctx.deps.logger, { code: 200, message: '' }, () => pullRepositoryChanges()),

  nixCollectGarbage: (ctx: GqlContext) =>
    mutationResult(
      ctx.deps.logger,
      { code: 200, message: M.garbageCollectorStarted },
      async () => jobResult(await startGarbageCollection(ctx.deps)),
      500,
    ),

  setDnsProvider: (ctx: GqlContext, input: SetDnsProviderInput) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.providerSet }, async () => {
      await setDnsProvider(ctx.deps, input);
      return {};
    }),
};
