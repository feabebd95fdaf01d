import { z } from 'zod';
import { CoreError } from '../../core/errors.js';
import type { LogEvent } from '../../core/logs/log-event.js';
import type { LogEntry } from '../../core/logs/log-types.js';
import { formatEvent } from '../event-stream.js';

// Cloudron's two log formats: `plain` text lines, or one JSON object per line (the default).
export const LOG_FORMATS = ['json', 'plain'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const jsonLogLine = z.object({
  realtimeTimestamp: z.number().int().describe('Milliseconds since the epoch'),
  message: z.string(),
  source: z.string().describe('The service id'),
  unit: z.string().nullable().describe('The systemd unit that wrote it'),
  priority: z.number().int().nullable(),
  cursor: z.string().describe('Its journal cursor (resume a logstream after it)'),
});

/** The `format` parameter: json when absent, INVALID_INPUT when neither json nor plain. */
export function logFormat(value: string | undefined): LogFormat {
  if (value === undefined || value === '') return 'json';
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new CoreError('INVALID_INPUT', 'format must be json or plain');
}

/** One entry as a line of the service's log (no line break). */
export function logLine(entry: LogEntry, serviceId: string, format: LogFormat): string {
  if (format === 'plain') return `${entry.timestamp.toISOString()} ${entry.systemdUnit ?? 'kernel'}: ${entry.message}`;
  const line: z.infer<typeof jsonLogLine> = {
    realtimeTimestamp: entry.timestamp.getTime(),
    message: entry.message,
    source: serviceId,
    unit: entry.systemdUnit,
    priority: entry.priority,
    cursor: entry.cursor,
  };
  return JSON.stringify(line);
}

/** The server-sent event of a live entry, its cursor as the id; built once for all clients of one service and format. */
export function logEventFrame(event: LogEvent, serviceId: string, format: LogFormat): string {
  return event.encoded(`sse:${format}:${serviceId}`, (entry) => formatEvent({ id: entry.cursor, data: logLine(entry, serviceId, format) }));
}
