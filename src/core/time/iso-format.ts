const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// Python's isoformat(): the fraction is written only when non-zero, always as microseconds.
function fraction(ms: number): string {
  return ms === 0 ? '' : `.${pad(ms, 3)}000`;
}

/** Naive local wall-clock time, `YYYY-MM-DDTHH:MM:SS[.ffffff]` (the reference's job and device dates). */
export function naiveLocalIso(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${fraction(date.getMilliseconds())}`
  );
}

/** Timezone-aware UTC time, `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00` (recovery key dates). */
export function utcIso(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    `${fraction(date.getUTCMilliseconds())}+00:00`
  );
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO 8601 date-time. Without an offset the wall-clock time is read in `naiveZone`:
 * 'utc' or the server's 'local' time. Undefined when the text is not a valid date-time.
 */
export function parseIso(text: string, naiveZone: 'utc' | 'local'): Date | undefined {
  const m = ISO_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3))] as const;
  let date: Date;
  if (offset) {
    const utc = Date.UTC(...parts);
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset === 'Z' ? '0000' : offset.slice(1).replace(':', '');
    date = new Date(utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000);
  } else {
    date = naiveZone === 'utc' ? new Date(Date.UTC(...parts)) : new Date(...parts);
  }
  const valid = Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31 && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60;
  return valid && !Number.isNaN(date.getTime()) ? date : undefined;
}
