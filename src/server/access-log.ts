import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger as Pino } from 'pino';

// Query parameters whose values are worth logging: none of them is ever a secret.
const LOGGED_QUERY_VALUES = new Set(['withMainUser']);

/**
 * The request URL for logs: the path, and the query's parameter names (decoded, as the server reads
 * them) with every value hidden except the allow-listed ones; `?%74oken=` is hidden like `?token=`.
 */
export function loggableUrl(url: string | undefined): string {
  const raw = url ?? '';
  const queryStart = raw.indexOf('?');
  if (queryStart < 0) return raw;
  const params = new URLSearchParams(raw.slice(queryStart + 1));
  const shown = [...params].map(([name, value]) => `${encodeURIComponent(name)}=${LOGGED_QUERY_VALUES.has(name) ? encodeURIComponent(value) : '[hidden]'}`);
  return `${raw.slice(0, queryStart)}?${shown.join('&')}`;
}

/**
 * One JSON line per request once its answer is done (or cut short): method, loggable URL, status and
 * the time taken; never headers or bodies. Called first for each request (also usable as express
 * middleware). The line is built only when the response closes, with no per-request logger.
 */
export function accessLog(logger: Pino): (req: IncomingMessage, res: ServerResponse, next?: () => void) => void {
  return (req, res, next) => {
    const started = Date.now();
    const { method, url } = req; // as received: express rewrites req.url below a mount point
    res.once('close', () => {
      const statusCode = res.statusCode;
      const level = statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line = { req: { method, url: loggableUrl(url) }, res: { statusCode }, responseTime: Date.now() - started };
      if (level === 'error') logger.error(line, 'request errored');
      else logger.info(line, !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
    });
    next?.();
  };
}
