import { StorageMutationsResolver, StorageResolver, StorageRootMutationsResolver } from './storage.resolver.js';

// The resolver classes of the `storage` area, registered in ../build-schema.ts.
export const storageResolvers: Function[] = [StorageResolver, StorageMutationsResolver, StorageRootMutationsResolver];
