import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

// Any origin may call the API with credentials: the token, not the origin, is what is checked.
const CORS_OPTIONS = { origin: true, credentials: true } as const;

/** The app's CORS middleware: preflight answers (OPTIONS) and the headers of every other answer. */
export const corsMiddleware = () => cors(CORS_OPTIONS);

/**
 * What `corsMiddleware` adds to an answer that is not a preflight, in the same order: the caller's
 * origin reflected, `Vary: Origin`, credentials allowed. For the paths the front door serves, on a
 * response with no headers yet (no `Vary` to merge with).
 */
export function simpleCorsHeaders(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const origin = req.headers.origin;
  if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  next();
}
