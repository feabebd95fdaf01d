import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { SYSTEM_MESSAGES } from './system-messages.js';
import { TIMEZONE_NAMES } from './timezone-names.js';

const KNOWN = new Set(TIMEZONE_NAMES);

/** Whether `name` is a tz database name, backward-compatible aliases (UTC, US/Eastern ...) included. */
export function isValidTimezone(name: string): boolean {
  return KNOWN.has(name);
}

/** Sets userdata `timezone` after checking the name; nothing is written for an unknown name. */
export async function changeTimezone(deps: Pick<Deps, 'userData'>, timezone: string): Promise<string> {
  if (!isValidTimezone(timezone)) throw new CoreError('INVALID_TIMEZONE', SYSTEM_MESSAGES.invalidTimezone(timezone));
  await deps.userData.update((data) => {
    data.timezone = timezone;
  });
  return timezone;
}
