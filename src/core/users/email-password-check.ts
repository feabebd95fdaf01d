import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';

type CheckDeps = Pick<Deps, 'userData' | 'emailPasswords' | 'emailPasswordHasher' | 'emailPasswordAttempts' | 'clock' | 'logger'>;

export const EMAIL_PASSWORD_MESSAGES = {
  // never shown to the mail server (it gets isValid false); for logs and other callers of the limiter
  tooManyFailures: 'Too many failed e-mail password checks for this user. Try again later.',
};

/** What the mail server's PAM module sends: its login as `<user>@<domain>` and the password typed. */
export interface EmailLogin {
  username?: string;
  password?: string;
}

/**
 * The mail server's password check (the reference's `/internal/check-email-password`): true when the
 * password matches one of the user's e-mail passwords that has not expired; that entry's last-used
 * time is then set. CoreError INVALID_INPUT for a missing field or a login outside this server's
 * domain. Failures are limited per username: past the limit the answer is false without a check,
 * until the oldest failure leaves the window.
 */
export async function checkEmailPassword(deps: CheckDeps, login: EmailLogin): Promise<boolean> {
  const { username, password } = login;
  if (!username || !password) throw new CoreError('INVALID_INPUT', 'Username and password are required');
  const at = username.lastIndexOf('@');
  const domain = (await deps.userData.read()).domain;
  if (at < 0 || username.slice(at + 1) !== domain) throw new CoreError('INVALID_INPUT', 'The login is not an address of this server');
  const user = username.slice(0, at);

  try {
    await deps.emailPasswordAttempts.reserve(user);
  } catch (err) {
    if (err instanceof CoreError && err.code === 'TOO_MANY_ATTEMPTS') return false;
    throw err;
  }
  const now = deps.clock.now();
  for (const entry of await deps.emailPasswords.hashes(user, now)) {
    if (!(await deps.emailPasswordHasher.verify(password, entry.passwordHash))) continue;
    await deps.emailPasswordAttempts.refund(user);
    // The mail login succeeds even if the bookkeeping fails (as in the reference).
    await deps.emailPasswords.markUsed(user, entry.uuid, now).catch((error: unknown) =>
      deps.logger.error('e-mail password last-used time not updated', { username: user, error: String(error) }),
    );
    return true;
  }
  return false;
}
