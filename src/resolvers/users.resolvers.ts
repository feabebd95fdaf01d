// The resolver classes of the `users` area, registered in build-schema.ts.
export const usersResolvers: Function[] = [];
