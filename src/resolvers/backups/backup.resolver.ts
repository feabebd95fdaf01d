import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { backupConfiguration } from '../../core/backups/backup-configuration.js';
import type { CachedSnapshot } from '../../core/backups/backup-ports.js';
import { lastSlice } from '../../core/backups/restore-all.js';
import { allSnapshots } from '../../core/backups/snapshots.js';
import { BackupConfiguration } from '../../schema/backups/backup-configuration.type.js';
import { Backup } from '../../schema/backups/backup.type.js';
import { SnapshotInfo } from '../../schema/backups/snapshot-info.type.js';
import { Service } from '../../schema/services/service.type.js';
import type { GqlContext } from '../context.js';
import { coreQuery } from '../query-error.js';
import { toBackupConfiguration, toSnapshotInfo, toSnapshotInfos } from './backup-view.js';

@Resolver(() => Backup)
export class BackupQueryResolver {
  @Authorized()
  @Query(() => Backup)
  backup(): Backup {
    return new Backup();
  }

  @Authorized()
  @FieldResolver(() => BackupConfiguration)
  async configuration(@Ctx() ctx: GqlContext): Promise<BackupConfiguration> {
    return toBackupConfiguration(await coreQuery(() => backupConfiguration(ctx.deps)));
  }

  /** The cached snapshots ([] before the repository is initialised). */
  @Authorized()
  @FieldResolver(() => [SnapshotInfo])
  async allSnapshots(@Ctx() ctx: GqlContext): Promise<SnapshotInfo[]> {
    return toSnapshotInfos(ctx, await coreQuery(() => allSnapshots(ctx.deps)));
  }

  /** The snapshots a full restore would use (§10.7). */
  @Authorized()
  @FieldResolver(() => [SnapshotInfo])
  async lastSlice(@Ctx() ctx: GqlContext): Promise<SnapshotInfo[]> {
    return toSnapshotInfos(ctx, await coreQuery(() => lastSlice(ctx.deps)));
  }
}

// One read of the snapshot cache per request, however many services ask (allServices asks for each).
const requestSnapshots = new WeakMap<GqlContext, Promise<CachedSnapshot[]>>();

/** Service.backupSnapshots: the service's cached snapshots. */
@Resolver(() => Service)
export class ServiceBackupSnapshotsResolver {
  @FieldResolver(() => [SnapshotInfo], { nullable: true })
  async backupSnapshots(@Root() service: Service, @Ctx() ctx: GqlContext): Promise<SnapshotInfo[]> {
    let all = requestSnapshots.get(ctx);
    if (!all) {
      all = coreQuery(() => allSnapshots(ctx.deps));
      requestSnapshots.set(ctx, all);
    }
    return (await all).filter((snapshot) => snapshot.serviceId === service.id).map((snapshot) => toSnapshotInfo(snapshot, service));
  }
}
