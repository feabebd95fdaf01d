// Contract types and root fields the `storage` area delivers (see ../delivered-schema.ts).
// StorageVolume.usages comes from the services area (a field resolver).
export const storageTypes: string[] = ['Storage', 'StorageVolume', 'StorageMutations', 'MigrateToBindsInput'];
export const storageRootFields = {
  Query: ['storage'] as string[],
  Mutation: ['storage', 'resizeVolume', 'mountVolume', 'unmountVolume', 'migrateToBinds'] as string[],
  Subscription: [] as string[],
};
