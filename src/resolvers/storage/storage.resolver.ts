import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver } from 'type-graphql';
import { type BindMigrationInput, startMigrationToBinds } from '../../core/storage/migrate-to-binds.js';
import { STORAGE_MESSAGES as M } from '../../core/storage/storage-messages.js';
import { mountVolume, resizeVolume, unmountVolume } from '../../core/storage/volume-mounts.js';
import type { Volume } from '../../core/storage/volumes.js';
import { GenericJobMutationReturn, GenericMutationReturn } from '../../schema/mutation-return.type.js';
import { StorageVolume } from '../../schema/storage/storage-volume.type.js';
import { MigrateToBindsInput, Storage, StorageMutations } from '../../schema/storage/storage.type.js';
import type { GqlContext } from '../context.js';
import { mutationResult } from '../mutation-return.js';
import { snapshotFor } from '../services/service-view.js';
import { toApiJob } from '../to-graphql.js';

export function toStorageVolume(volume: Volume): StorageVolume {
  const { totalSpace, freeSpace, usedSpace, root, name, model, serial, type } = volume;
  return Object.assign(new StorageVolume(), { totalSpace, freeSpace, usedSpace, root, name, model, serial, type });
}

// Each StorageMutations operation once: the namespaced field and its deprecated root twin both call these.
const ops = {
  resizeVolume: (ctx: GqlContext, name: string) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.resizeStarted }, async () => (await resizeVolume(ctx.deps, name), {})),
  mountVolume: (ctx: GqlContext, name: string) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.mounted }, async () => (await mountVolume(ctx.deps, name), {})),
  unmountVolume: (ctx: GqlContext, name: string) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.unmounted }, async () => (await unmountVolume(ctx.deps, name), {})),
  migrateToBinds: (ctx: GqlContext, input: BindMigrationInput) =>
    mutationResult(ctx.deps.logger, { code: 200, message: M.migrationStarted }, async () => ({
      job: toApiJob(await startMigrationToBinds(ctx.deps, { ...input })),
    })),
};

@Resolver(() => Storage)
export class StorageResolver {
  @Authorized()
  @Query(() => Storage)
  storage(): Storage {
    return new Storage();
  }

  @Authorized()
  @FieldResolver(() => [StorageVolume])
  async volumes(@Ctx() ctx: GqlContext): Promise<StorageVolume[]> {
    // The request's snapshot: the volumes' `usages` then reuse this block-device listing.
    return (await snapshotFor(ctx).volumes()).map(toStorageVolume);
  }
}

@Resolver(() => StorageMutations)
export class StorageMutationsResolver {
  @Authorized()
  @Mutation(() => StorageMutations)
  storage(): StorageMutations {
    return new StorageMutations();
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  resizeVolume(@Ctx() ctx: GqlContext, @Arg('name', () => String) name: string) {
    return ops.resizeVolume(ctx, name);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  mountVolume(@Ctx() ctx: GqlContext, @Arg('name', () => String) name: string) {
    return ops.mountVolume(ctx, name);
  }

  @Authorized()
  @FieldResolver(() => GenericMutationReturn)
  unmountVolume(@Ctx() ctx: GqlContext, @Arg('name', () => String) name: string) {
    return ops.unmountVolume(ctx, name);
  }

  @Authorized()
  @FieldResolver(() => GenericJobMutationReturn)
  migrateToBinds(@Ctx() ctx: GqlContext, @Arg('input', () => MigrateToBindsInput) input: MigrateToBindsInput) {
    return ops.migrateToBinds(ctx, input);
  }
}

const deprecated = (name: string) => ({ deprecationReason: `Use \`storage.${name}\` instead` });

/** The deprecated root-level twins of StorageMutations. */
@Resolver()
export class StorageRootMutationsResolver {
  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('resize_volume'))
  resizeVolume(@Ctx() ctx: GqlContext, @Arg('name', () => String) name: string) {
    return ops.resizeVolume(ctx, name);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('mount_volume'))
  mountVolume(@Ctx() ctx: GqlContext, @Arg('name', () => String) name: string) {
    return ops.mountVolume(ctx, name);
  }

  @Authorized()
  @Mutation(() => GenericMutationReturn, deprecated('unmount_volume'))
  unmountVolume(@Ctx() ctx: GqlContext, @Arg('name', () => String) name: string) {
    return ops.unmountVolume(ctx, name);
  }

  @Authorized()
  @Mutation(() => GenericJobMutationReturn, deprecated('migrate_to_binds'))
  migrateToBinds(@Ctx() ctx: GqlContext, @Arg('input', () => MigrateToBindsInput) input: MigrateToBindsInput) {
    return ops.migrateToBinds(ctx, input);
  }
}
