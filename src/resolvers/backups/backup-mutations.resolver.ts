import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver } from 'type-graphql';
import { setAutobackupQuotas } from '../../core/backups/autobackup-quotas.js';
import {
  type BackupConfigurationView,
  backupConfiguration,
  initializeRepository,
  removeRepository,
  setAutobackupPeriod,
} from '../../core/backups/backup-configuration.js';
import { BACKUP_MESSAGES as M } from '../../core/backups/backup-messages.js';
import { restoreAll } from '../../core/backups/restore-all.js';
import { startBackup } from '../../core/backups/service-backup.js';
import { restoreBackup } from '../../core/backups/service-restore.js';
import { forgetSnapshot, reloadSnapshots } from '../../core/backups/snapshots.js';
import { totalBackup } from '../../core/backups/total-backup.js';
import type { Job } from '../../core/jobs/job-types.js';
import { AutobackupQuotasInput } from '../../schema/backups/autobackup-quotas.input.js';
import { GenericBackupConfigReturn } from '../../schema/backups/backup-configuration.type.js';
import { BackupMutations, RestoreStrategy } from '../../schema/backups/backup.type.js';
import { InitializeRepositoryInput } from '../../schema/backups/initialize-repository.input.js';
import { GenericJobMutationReturn, GenericMutationReturn } from '../../schema/mutation-return.type.js';
import type { GqlContext } from '../context.js';
import { mutationResult } from '../mutation-return.js';
import { toApiJob } from '../to-graphql.js';
import { toBackupConfiguration } from './backup-view.js';

// §5.8: every answer is 200 with `message: ""` unless a job is queued; a failure carries the core's code and text.

/** A configuration change; a failed one still answers the configuration as it is now, when it can be read. */
async function configurationMutation(ctx: GqlContext, change: () => Promise<BackupConfigurationView>) {
  const result = await mutationResult(ctx.deps.logger, { code: 200, message: '' }, async () => ({
    configuration: toBackupConfiguration(await change()),
  }));
  if (result.success) return result;
  const current = await backupConfiguration(ctx.deps).then(toBackupConfiguration, () => null);
  return { ...result, configuration: current };
}

/** An operation queued as a job: the job on success, null otherwise. */
async function jobMutation(ctx: GqlContext, message: string, start: () => Promise<Job>) {
  const result = await mutationResult(ctx.deps.logger, { code: 200, message }, async () => ({ job: toApiJob(await start()) }));
  return { job: null, ...result };
}

@Resolver(() => BackupMutations)
export class BackupMutationsResolver {
  @Authorized()
  @Mutation(() => BackupMutations)
  backup(): BackupMutations {
    return new BackupMutations();
  }

  @Authorized()
  @FieldResolver(() => GenericBackupConfigReturn)
  initializeRepository(@Ctx() ctx: GqlContext, @Arg('repository', () => InitializeRepositoryInput) input: InitializeRepositoryInput) {
    return configurationMutation(ctx, () =>
      initializeRepository(ctx.deps, {
        provider: input.provider,
        locationId: input.locationId,
        locationName: input.locationName,
        login: input.login,
        password: input.password,
        localSecret: input.localSecret ?? null,
      }),
    );
  }

  @Authorized()
  @FieldResolver(() => GenericBackupConfigReturn)
  removeRepository(@Ctx() ctx: GqlContext) {
    return configurationMutation(ctx, () => removeRepository(ctx.deps));
  }

  /** Minutes; null, 0 or less disables automatic backups. */
  @Authorized()
  @FieldResolver(() => GenericBackupConfigReturn)
  setAutobackupPeriod(@Ctx() ctx: GqlContext, @Arg('period', () => Int, { nullable: true, defaultValue: null }) period: number | null) {
    return configurationMutation(ctx, () => setAutobackupPeriod(ctx.deps, period));
  }

  @Authorized()
  @FieldResolver(() => GenericBackupConfigReturn)
  setAutobackupQuotas(@Ctx() ctx: GqlContext, @Arg('quotas', () => AutobackupQuotasInput) quotas: AutobackupQuotasInput) {
    return configurationMutation(ctx, async () => (await setAutobackupQuotas(ctx.deps, { ...quotas })).configuration);
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  startBackup(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return jobMutation(ctx, M.backupQueued, () => startBackup(ctx.deps, serviceId));
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  totalBackup(@Ctx() ctx: GqlContext) {
    return jobMutation(ctx, M.totalBackupQueued, () => totalBackup(ctx.deps));
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  restoreAll(@Ctx() ctx: GqlContext) {
    return jobMutation(ctx, M.restoreCreated, () => restoreAll(ctx.deps));
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  restoreBackup(
    @Ctx() ctx: GqlContext,
    @Arg('snapshotId', () => String) snapshotId: string,
    @Arg('strategy', () => RestoreStrategy, { defaultValue: RestoreStrategy.DOWNLOAD_VERIFY_OVERWRITE }) strategy: RestoreStrategy,
  ) {
    return jobMutation(ctx, M.restoreCreated, () => restoreBackup(ctx.deps, snapshotId, strategy));
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  forgetSnapshot(@Ctx() ctx: GqlContext, @Arg('snapshotId', () => String) snapshotId: string) {
    return mutationResult(ctx.deps.logger, { code: 200, message: '' }, async () => (await forgetSnapshot(ctx.deps, snapshotId), {}));
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  forceSnapshotsReload(@Ctx() ctx: GqlContext) {
    return mutationResult(ctx.deps.logger, { code: 200, message: '' }, async () => (await reloadSnapshots(ctx.deps), {}));
  }
}
