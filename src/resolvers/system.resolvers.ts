// The resolver classes of the `system` area, registered in build-schema.ts.
export const systemResolvers: Function[] = [];
