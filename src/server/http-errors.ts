import type { NextFunction, Request, Response } from 'express';
import { CoreError, describeError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { LegacyInputError } from '../rest/legacy-fields.js';
import type { RestRegistry } from '../rest/rest-registry.js';
import { clientErrorAnswer } from './client-errors.js';

/** Unknown path: 405 when another method serves it (legacy text), else a JSON 404. */
export function notFound(registry: RestRegistry) {
  return (req: Request, res: Response) => {
    const allowed = registry.methodsFor(req.path);
    if (allowed.length > 0) {
      res.set('Allow', allowed.join(', '));
      return res.status(405).json({ message: 'The method is not allowed for the requested URL.' });
    }
    res.status(404).json({ message: 'The requested URL was not found on the server.' });
  };
}

/** The one place an error becomes an HTTP answer: JSON, the right 4xx, never a stack trace. */
export function errorHandler(logger: Logger) {
  // express recognizes error middleware by its four parameters
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof LegacyInputError) return res.status(400).json(err.body);
    const client = err instanceof CoreError ? undefined : clientErrorAnswer(err, req.headers['content-encoding']);
    if (client) return res.status(client.status).json({ message: client.message });
    const described = describeError(err);
    if (described.code === 'INTERNAL') {
      logger.error('request failed', { error: err instanceof Error ? err.stack : String(err) });
      return res.status(500).json({ message: 'Internal Server Error' });
    }
    const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter) res.set('Retry-After', String(retryAfter));
    res.status(described.status).json({ error: described.message });
  };
}
