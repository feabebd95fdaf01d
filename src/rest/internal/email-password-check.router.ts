import { type Request, type Response, Router } from 'express';
import { CoreError } from '../../core/errors.js';
import type { Deps } from '../../core/ports.js';
import { checkEmailPassword } from '../../core/users/email-password-check.js';

// The mail server's PAM module asks here whether an e-mail password is right. It carries no token:
// only a caller on this machine may ask, judged by the socket's own address (a forwarded header
// could be forged). Mounted outside the legacy REST registry, so it is not in the OpenAPI document.

export const EMAIL_PASSWORD_CHECK_PATH = '/internal/check-email-password';

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Whether a connection's remote address is this machine's loopback. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK_ADDRESSES.has(address);
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function emailPasswordCheckRouter(deps: Deps): Router {
  const router = Router({ strict: true, caseSensitive: true });
  router.post(EMAIL_PASSWORD_CHECK_PATH, async (req: Request, res: Response) => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) return void res.status(403).json({ isValid: false });
    // Only a JSON object is a request (a body that is not JSON leaves req.body unset).
    const body = req.is('application/json') && typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    try {
      const isValid = await checkEmailPassword(deps, { username: text(body.username), password: text(body.password) });
      res.json({ isValid });
    } catch (err) {
      // Any failure is a refusal the module understands (the reference's 400 and isValid false), logged here.
      if (!(err instanceof CoreError && err.code === 'INVALID_INPUT')) deps.logger.error('e-mail password check failed', { error: String(err) });
      res.status(400).json({ isValid: false });
    }
  });
  return router;
}
