import type { Deps } from '../ports.js';
import { SERVICE_MESSAGES } from '../services/service-messages.js';
import { type RegistryDeps, requireService } from '../services/service-registry.js';
import { LogEvent } from './log-event.js';
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

/**
 * The service's journal as a stream: the entries after `after` when given (an unknown cursor fails
 * here, before anything is streamed), else its newest `lines` entries; then every new one.
 */
export async function openServiceLogStream(
  deps: ServiceLogDeps & Pick<Deps, 'logFeed'>,
  serviceId: string,
  options: { lines: number; after?: string },
): Promise<AsyncIterableIterator<LogEvent>> {
  const filter = await serviceLogFilter(deps, serviceId);
  if (options.after !== undefined) {
    await deps.logs.page({ filter, limit: 1, from: 'newerThan', cursor: options.after });
    return deps.logFeed.subscribe(filter, options.after);
  }
  const backlog = options.lines > 0 ? await readServiceLog(deps, serviceId, options.lines) : [];
  // live from the backlog's last entry: nothing written meanwhile is lost
  return withBacklog(backlog.map((entry) => new LogEvent(entry)), deps.logFeed.subscribe(filter, backlog.at(-1)?.cursor));
}

function withBacklog(backlog: LogEvent[], live: AsyncIterableIterator<LogEvent>): AsyncIterableIterator<LogEvent> {
  return {
    next: () => (backlog.length > 0 ? Promise.resolve({ done: false, value: backlog.shift()! }) : live.next()),
    return: () => {
      backlog.length = 0;
      return live.return?.() ?? Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
