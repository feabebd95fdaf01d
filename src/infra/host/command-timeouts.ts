import { basename } from 'node:path';

// How long a host command may run before the runner kills its process group. A hung program must never
// hold an API request (or a job) forever, so every command has a bound; it is sized to the work: quick
// queries of the running system answer in seconds, commands whose time grows with the data or the
// Nix store get minutes, and copying a service's data to another volume gets hours.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const DEFAULT_TIMEOUTS_MS: Record<string, number> = {
  systemctl: 30 * SECOND, // --no-block everywhere: systemd answers at once unless it is wedged
  journalctl: 30 * SECOND, // a follow (-f) passes no limit explicitly
  lsblk: 10 * SECOND,
  stat: 10 * SECOND,
  uname: 10 * SECOND,
  ip: 10 * SECOND,
  mkdir: 10 * SECOND,
  mount: 30 * SECOND,
  umount: 30 * SECOND,
  git: 5 * MINUTE, // a pull over a slow network
  nix: HOUR,
  'nix-store': HOUR, // garbage collection of a large store
  'nix-env': 10 * MINUTE,
  du: 30 * MINUTE, // walking a large Nextcloud
  resize2fs: 30 * MINUTE,
  chown: HOUR,
  restic: 24 * HOUR, // a first backup of a large service to a remote bucket; quick subcommands pass shorter limits
  mv: 12 * HOUR, // a move across volumes copies every byte of the service's data
  pg_dump: 6 * HOUR, // a large Nextcloud or Matrix database, before its backup
  pg_restore: 6 * HOUR,
};
const FALLBACK_TIMEOUT_MS = MINUTE;

/** The default time limit for `command` (looked up by program name). */
export function defaultTimeoutMs(command: string): number {
  return DEFAULT_TIMEOUTS_MS[basename(command)] ?? FALLBACK_TIMEOUT_MS;
}
