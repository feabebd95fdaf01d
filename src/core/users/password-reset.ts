import { withAttemptLimit } from '../auth/attempts.js';
import { hashSecret } from '../auth/secrets.js';
import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { RESET_MESSAGES, USER_MESSAGES } from './user-messages.js';
import { validatePassword } from './user-validation.js';

const linkInvalid = () => new CoreError('RESET_LINK_INVALID', RESET_MESSAGES.linkInvalid);

/** A single-use link (valid 24 hours) with which the user sets a new password; not for root. */
export async function generatePasswordResetLink(deps: Pick<Deps, 'users'>, username: string): Promise<string> {
  if (username === 'root') throw new CoreError('CANNOT_MODIFY_ROOT', USER_MESSAGES.rootProtected);
  return deps.users.createPasswordResetLink(username);
}

/** The user a reset link is for; RESET_LINK_INVALID when it is unknown, expired or used. */
export async function checkPasswordResetLink(deps: Pick<Deps, 'users'>, token: string | undefined): Promise<string> {
  const username = token ? await deps.users.checkPasswordResetLink(token) : undefined;
  if (!username) throw linkInvalid();
  return username;
}

/**
 * Sets the password through a reset link and spends the link: link first, then the two entries, then
 * the rules. A link takes a few failed attempts (the key-attempt limit), then refuses even a good one
 * until the window ends.
 */
export async function resetPasswordWithLink(
  deps: Pick<Deps, 'users' | 'attempts'>,
  input: { token?: string; password?: string; confirmation?: string },
): Promise<string> {
  await checkPasswordResetLink(deps, input.token);
  return withAttemptLimit(deps, `password-reset:${hashSecret(input.token!)}`, 'INVALID_PASSWORD', async () => {
    const password = input.password ?? '';
    if (password !== (input.confirmation ?? '')) throw new CoreError('INVALID_PASSWORD', RESET_MESSAGES.passwordsDiffer);
    validatePassword(password);
    return deps.users.resetPasswordWithLink(input.token!, password);
  });
}
