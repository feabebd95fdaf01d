// Contract types and root fields the `services` area delivers (see ../delivered-schema.ts).
export const servicesTypes: string[] = [];
export const servicesRootFields = { Query: [] as string[], Mutation: [] as string[], Subscription: [] as string[] };
