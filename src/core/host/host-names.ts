// What a name or path handed to the host (systemctl, chown, mv, mount ...) may look like. Service
// definitions come from files on disk; a malformed one must never turn into an option, a second
// owner, or a move of `/`.

const UNIT_SUFFIXES = ['service', 'socket', 'target', 'timer', 'mount', 'automount', 'path', 'slice', 'scope', 'swap', 'device'];
// systemd's unit name characters (no escapes: definitions name plain units), never a leading '-'.
const UNIT_NAME = new RegExp(`^[A-Za-z0-9_:][A-Za-z0-9_:.@-]*\\.(${UNIT_SUFFIXES.join('|')})$`);
const MAX_UNIT_NAME = 255;

// The portable user name rule (letters, digits, '_', '-', '.'; not starting with '-' or '.'; at most 32),
// with capitals allowed because NixOS modules use them (virtualMail). Never ':' (chown user:group).
const ACCOUNT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/** A systemd unit name with a known type suffix (`nginx.service`, `foo@bar.service`). */
export function isUnitName(name: string): boolean {
  return name.length <= MAX_UNIT_NAME && UNIT_NAME.test(name);
}

/** A unix user or group name. */
export function isAccountName(name: string): boolean {
  return ACCOUNT_NAME.test(name);
}

/**
 * An absolute, normalised path to something below `/`: no `.` or `..` segment, no `//`, no trailing `/`,
 * no control characters, and a non-empty last segment.
 */
export function isCleanAbsolutePath(path: string): boolean {
  if (!path.startsWith('/') || path === '/' || /[\u0000-\u001f\u007f]/.test(path)) return false;
  return path
    .slice(1)
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
