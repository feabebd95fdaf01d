// The resolver classes of the `storage` area, registered in build-schema.ts.
export const storageResolvers: Function[] = [];
