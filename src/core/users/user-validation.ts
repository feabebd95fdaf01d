import { CoreError } from '../errors.js';
import { USER_MESSAGES } from './user-messages.js';

// System accounts of a SelfPrivacy server: a person must never take one of these names.
const RESERVED_PREFIXES = ['systemd', 'nixbld'] as const;
const RESERVED_NAMES = new Set([
  'root', 'messagebus', 'postfix', 'polkituser', 'dovecot2', 'dovenull', 'nginx', 'postgres', 'prosody',
  'opendkim', 'rspamd', 'sshd', 'selfprivacy-api', 'restic', 'redis', 'pleroma', 'ocserv', 'nextcloud',
  'memcached', 'knot-resolver', 'gitea', 'bitwarden_rs', 'vaultwarden', 'acme', 'virtualMail', 'nobody',
]);
const USERNAME_PATTERN = /^[a-z_][a-z0-9_]+$/;
const MAX_USERNAME_LENGTH = 32; // exclusive
const MAX_DISPLAY_NAME_LENGTH = 255; // exclusive (the message says 256: the reference's wording)
// Far above any passphrase; SHA-512 crypt's work grows with the square of the length.
export const MAX_PASSWORD_BYTES = 4096;

/** The reference's checks for a new username, in its order: reserved (409), pattern (400), length (400). */
export function validateUsername(username: string): void {
  const prefix = RESERVED_PREFIXES.find((p) => username.startsWith(p));
  if (prefix) throw new CoreError('USERNAME_RESERVED', USER_MESSAGES.reservedPrefix(prefix));
  if (RESERVED_NAMES.has(username)) throw new CoreError('USERNAME_RESERVED', USER_MESSAGES.reservedUsername);
  if (!USERNAME_PATTERN.test(username)) throw new CoreError('INVALID_USERNAME', USER_MESSAGES.usernameNotAlphanumeric);
  if (username.length >= MAX_USERNAME_LENGTH) throw new CoreError('USERNAME_TOO_LONG', USER_MESSAGES.usernameTooLong);
}

/** Display names are counted in characters (code points), as Python's len() does. */
export function validateDisplayName(displayName: string | null | undefined): void {
  if (displayName && [...displayName].length >= MAX_DISPLAY_NAME_LENGTH) {
    throw new CoreError('DISPLAY_NAME_TOO_LONG', USER_MESSAGES.displayNameTooLong);
  }
}

/** A password given to set: not empty, at most 4096 bytes (UTF-8), and no CR, LF or NUL (they would corrupt the hash input of other tools). */
export function validatePassword(password: string): void {
  if (password === '') throw new CoreError('INVALID_PASSWORD', USER_MESSAGES.passwordEmpty);
  if (password.length > MAX_PASSWORD_BYTES || new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    throw new CoreError('INVALID_PASSWORD', USER_MESSAGES.passwordTooLong(MAX_PASSWORD_BYTES));
  }
  if (/[\r\n\0]/.test(password)) throw new CoreError('INVALID_PASSWORD', USER_MESSAGES.passwordForbiddenCharacters);
}
