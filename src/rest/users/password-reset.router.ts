import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { CoreError } from '../../core/errors.js';
import type { Deps } from '../../core/ports.js';
import { checkPasswordResetLink, resetPasswordWithLink } from '../../core/users/password-reset.js';
import { RESET_MESSAGES } from '../../core/users/user-messages.js';
import { messagePage, resetFormPage } from './password-reset-page.js';

// The page behind generatePasswordResetLink. Public (the link's token is the credential), outside
// the legacy REST registry; browsers get HTML, callers asking for JSON get JSON. Passwords are never logged.

export const PASSWORD_RESET_PATH = '/user/reset-password';

// A token and two passwords of at most 4096 bytes, each byte percent-encoded at worst.
const BODY_LIMIT = '32kb';
const TOO_LARGE = 'The request is too large.';

function wantsJson(req: Request): boolean {
  return Boolean(req.is('application/json')) || req.accepts(['html', 'json']) === 'json';
}

function secureHeaders(res: Response): void {
  res.set({
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function answer(req: Request, res: Response, status: number, json: object, html: string): void {
  secureHeaders(res);
  if (wantsJson(req)) res.status(status).json(json);
  else res.status(status).type('html').send(html);
}

/**
 * The page's own body parsers, mounted before the app's larger ones (a body is parsed only once):
 * a body over the limit gets the page's 413, not a generic error.
 */
export function passwordResetBodies(): RequestHandler[] {
  const limited = (parser: RequestHandler): RequestHandler => (req, res, next) =>
    parser(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type !== 'entity.too.large') return next(err);
      answer(req, res, 413, { error: TOO_LARGE }, messagePage('Request too large', TOO_LARGE));
    });
  return [limited(express.urlencoded({ extended: false, limit: BODY_LIMIT })), limited(express.json({ limit: BODY_LIMIT }))];
}

export function passwordResetRouter(deps: Deps): Router {
  const router = Router({ strict: true, caseSensitive: true });

  router.get(PASSWORD_RESET_PATH, async (req: Request, res: Response, next: NextFunction) => {
    const token = text(req.query.token);
    try {
      const username = await checkPasswordResetLink(deps, token);
      answer(req, res, 200, { username }, resetFormPage(username, token!));
    } catch (err) {
      if (!(err instanceof CoreError)) return next(err);
      answer(req, res, err.status, { error: err.message }, messagePage('Link not usable', err.message));
    }
  });

  router.post(PASSWORD_RESET_PATH, async (req: Request, res: Response, next: NextFunction) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = { token: text(body.token), password: text(body.password), confirmation: text(body.confirmation) };
    try {
      const username = await resetPasswordWithLink(deps, input);
      deps.logger.info('password set through a reset link', { username });
      answer(req, res, 200, { message: RESET_MESSAGES.passwordChanged, username }, messagePage('Password changed', RESET_MESSAGES.passwordChanged));
    } catch (err) {
      if (!(err instanceof CoreError)) return next(err);
      if (err.retryAfterSeconds) res.set('Retry-After', String(err.retryAfterSeconds));
      if (err.code === 'INVALID_PASSWORD') {
        const username = await checkPasswordResetLink(deps, input.token).catch(() => undefined);
        if (username) return answer(req, res, err.status, { error: err.message }, resetFormPage(username, input.token!, err.message));
      }
      answer(req, res, err.status, { error: err.message }, messagePage('Link not usable', err.message));
    }
  });

  return router;
}
