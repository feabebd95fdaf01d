// The resolver classes of the `services` area, registered in build-schema.ts.
export const servicesResolvers: Function[] = [];
