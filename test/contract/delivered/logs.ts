// Contract types and root fields the `logs` area delivers (see ../delivered-schema.ts).
export const logsTypes: string[] = ['Logs', 'LogEntry', 'LogsPageMeta', 'PaginatedEntries'];
export const logsRootFields = {
  Query: ['logs'] as string[],
  Mutation: [] as string[],
  Subscription: ['logEntries'] as string[],
};
