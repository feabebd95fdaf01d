import type { IncomingHttpHeaders } from 'node:http';
import { extractToken } from '../core/auth/device-tokens.js';

/**
 * The token a request presents: the Authorization header, else the `token` query parameter
 * (EventSource and WebSocket clients cannot set headers). A present header wins even if invalid.
 */
export function tokenFromRequest(headers: IncomingHttpHeaders, url: string | undefined): string | undefined {
  const header = headers.authorization;
  if (header !== undefined) return extractToken(header);
  const query = new URL(url ?? '/', 'http://localhost').searchParams.get('token');
  return extractToken(query);
}
