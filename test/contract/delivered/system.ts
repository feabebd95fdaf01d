// Contract types and root fields the `system` area delivers (see ../delivered-schema.ts).
export const systemTypes: string[] = [];
export const systemRootFields = { Query: [] as string[], Mutation: [] as string[], Subscription: [] as string[] };
