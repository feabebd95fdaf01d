import { LogEntriesResolver, LogsResolver } from './logs.resolver.js';

// The resolver classes of the `logs` area, registered in ../build-schema.ts.
export const logsResolvers: Function[] = [LogsResolver, LogEntriesResolver];
