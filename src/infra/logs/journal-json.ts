import type { LogEntry } from '../../core/logs/log-types.js';

type FieldValue = string | number[] | null | (string | number[] | null)[];

/**
 * One line of `journalctl -o json` as a LogEntry; undefined when the line is not a journal entry
 * (not JSON, no cursor, no timestamp). journald writes a field that is not valid UTF-8 as an array of
 * bytes, a repeated field as an array of values, and a field over 4 KiB as null.
 */
export function parseJournalLine(line: string): LogEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const fields = raw as Record<string, FieldValue | undefined>;
  const cursor = text(fields.__CURSOR);
  const micros = text(fields.__REALTIME_TIMESTAMP);
  if (!cursor || !micros || !/^\d+$/.test(micros)) return undefined;
  const priority = text(fields.PRIORITY);
  return {
    message: text(fields.MESSAGE) ?? '',
    timestamp: new Date(Number(BigInt(micros) / 1000n)),
    priority: priority !== undefined && /^\d+$/.test(priority) ? Number(priority) : null,
    systemdUnit: text(fields._SYSTEMD_UNIT) ?? null,
    systemdSlice: text(fields._SYSTEMD_SLICE) ?? null,
    cursor,
  };
}

function text(value: FieldValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value.every((v) => typeof v === 'number')) return Buffer.from(value as number[]).toString('utf8');
  return text(value[0] as FieldValue); // a field repeated in one entry: its first value
}
