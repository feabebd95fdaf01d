import { parseIso } from '../../core/time/iso-format.js';

// The 1.2 forms (fraction mandatory, a trailing Z accepted but ignored: the time is local).
const LEGACY_FORM = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}\.\d{1,6})Z?$/;

/**
 * A recovery-key expiration as 1.2.x callers sent it; also any ISO 8601 date-time, an offset
 * making it absolute (later callers). Undefined when unreadable.
 */
export function parseLegacyExpiration(text: string): Date | undefined {
  const legacy = LEGACY_FORM.exec(text);
  if (legacy) return parseIso(`${legacy[1]}T${legacy[2]}`, 'local');
  return parseIso(text, 'local');
}
