import type { Deps } from '../ports.js';
import { SERVICE_MESSAGES } from '../services/service-messages.js';
import { type RegistryDeps, requireService } from '../services/service-registry.js';
import type { LogEvent } from './log-event.js';
import type { LogEntry, LogFilter } from './log-types.js';

/** The most lines one request for a service's log may ask for. */
export const MAX_SERVICE_LOG_LINES = 10_000;

type ServiceLogDeps = RegistryDeps & Pick<Deps, 'logs'>;

/** The journal of a service: entries of any of its units; SERVICE_NOT_FOUND for an unknown id. */
export async function serviceLogFilter(deps: RegistryDeps, serviceId: string): Promise<LogFilter> {
  const service = await requireService(deps, serviceId, SERVICE_MESSAGES.notFound);
  return { units: service.units };
}

/** The service's newest `lines` journal entries (1 to 10,000), oldest first. */
export async function readServiceLog(deps: ServiceLogDeps, serviceId: string, lines: number): Promise<LogEntry[]> {
  const filter = await serviceLogFilter(deps, serviceId);
  const limit = Math.min(Math.max(Math.trunc(lines), 1), MAX_SERVICE_LOG_LINES);
  return deps.logs.page({ filter, limit, from: 'newest' });
}

/** The service's journal live: from now, or the entries after `after` first. */
export async function followServiceLog(deps: RegistryDeps & Pick<Deps, 'logFeed'>, serviceId: string, after?: string): Promise<AsyncIterableIterator<LogEvent>> {
  return deps.logFeed.subscribe(await serviceLogFilter(deps, serviceId), after);
}
