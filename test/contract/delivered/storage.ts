// Contract types and root fields the `storage` area delivers (see ../delivered-schema.ts).
export const storageTypes: string[] = [];
export const storageRootFields = { Query: [] as string[], Mutation: [] as string[], Subscription: [] as string[] };
