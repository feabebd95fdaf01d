// Contract types and root fields the `users` area delivers (see ../delivered-schema.ts).
export const usersTypes: string[] = [];
export const usersRootFields = { Query: [] as string[], Mutation: [] as string[], Subscription: [] as string[] };
