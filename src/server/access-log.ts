import type { RequestHandler } from 'express';
import type { Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';

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

/** One JSON line per request: method, loggable URL and status; never headers or bodies. */
export function accessLog(logger: Pino): RequestHandler {
  return pinoHttp({
    logger,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: loggableUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
