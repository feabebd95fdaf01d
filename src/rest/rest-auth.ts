import type { NextFunction, Request, Response } from 'express';
import { LEGACY_AUTH_MESSAGES } from '../core/auth/auth-messages.js';
import type { Caller } from '../core/auth/auth-types.js';
import { authenticate } from '../core/auth/device-tokens.js';
import type { Deps } from '../core/ports.js';
import { tokenFromRequest } from '../server/request-token.js';

// Legacy rule: a plain prefix test, checked before routing (unknown paths are 401 for strangers too).
// The password-reset page is public: its link's token is the credential (and not a device token).
const PUBLIC_PREFIXES = ['/api', '/auth/new_device/authorize', '/auth/recovery_token/use', '/graphql', '/healthz', '/user/reset-password'];

export function isPublicPath(path: string): boolean {
  return PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** Global check of the legacy REST API: every non-public path needs a device token. */
export function restAuth(deps: Deps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (isPublicPath(req.path)) return next();
    const presented = req.headers.authorization !== undefined || new URL(req.url, 'http://x').searchParams.has('token');
    if (!presented) return res.status(401).json({ error: LEGACY_AUTH_MESSAGES.missingHeader });
    const caller = await authenticate(deps, tokenFromRequest(req.headers, req.url));
    if (!caller) return res.status(401).json({ error: LEGACY_AUTH_MESSAGES.invalidToken });
    res.locals.caller = caller;
    next();
  };
}

export function requestCaller(req: Request): Caller | undefined {
  return req.res?.locals.caller as Caller | undefined;
}
