import { z } from 'zod';
import { MAX_SERVICE_LOG_LINES, readServiceLog } from '../../core/logs/service-logs.js';
import { field } from '../legacy-fields.js';
import { UNAUTHORIZED, streamRoute } from '../legacy-route.js';
import { jsonLogLine, logFormat, logLine } from './service-log-lines.js';
import { streamServiceLog } from './service-log-stream.js';

const tag = 'services';
const errorBody = z.object({ error: z.string() });
const NOT_FOUND = { description: 'No such service', body: errorBody };
const BAD_INPUT = { description: 'A format other than json or plain, or an unknown cursor', body: errorBody };
const DEFAULT_LINES = 10;

const fields = {
  lines: field.integer({ description: `Entries to start with, the newest ones (default ${DEFAULT_LINES}, at most ${MAX_SERVICE_LOG_LINES})` }),
  format: field.string({ description: '`json` (default: one JSON object per line) or `plain` (`<ISO time> <unit>: <message>`)' }),
};

// Cloudron's service log API over the journal of the service's systemd units.
export const serviceLogsRoutes = [
  streamRoute({
    method: 'get',
    path: '/services/{id}/logs',
    summary: "A service's newest journal entries (all its units), oldest first, one per line",
    tag,
    fields,
    responses: {
      200: { description: 'JSON lines (format=json) or text lines (format=plain)', contentType: 'application/x-ndjson', body: jsonLogLine },
      400: BAD_INPUT,
      401: UNAUTHORIZED,
      404: NOT_FOUND,
    },
    async respond({ deps, params, fields: { lines, format } }, { res }) {
      const chosen = logFormat(format);
      const entries = await readServiceLog(deps, params.id!, lines ?? DEFAULT_LINES);
      res.status(200).type(chosen === 'json' ? 'application/x-ndjson; charset=utf-8' : 'text/plain; charset=utf-8');
      res.end(entries.map((entry) => `${logLine(entry, params.id!, chosen)}\n`).join(''));
    },
  }),

  streamRoute({
    method: 'get',
    path: '/services/{id}/logstream',
    summary: "A service's journal as server-sent events: its newest lines, then every new entry",
    description:
      'Each entry is an event whose `id` is its journal cursor and whose data is one line in the chosen format. Starts with the ' +
      'newest `lines` entries, or with those after the `Last-Event-ID` header (or `after`), then follows. A client that reads ' +
      'too slowly gets an `error` event and is disconnected; a reconnect with Last-Event-ID loses nothing and repeats nothing.',
    tag,
    fields: { ...fields, after: field.string({ description: 'Resume after this journal cursor (the Last-Event-ID header wins)' }) },
    responses: {
      200: { description: 'The event stream', contentType: 'text/event-stream', body: z.string() },
      400: BAD_INPUT,
      401: UNAUTHORIZED,
      404: NOT_FOUND,
    },
    async respond({ deps, params, fields: { lines, format } }, { req, res }) {
      await streamServiceLog(deps, params.id!, { lines: lines ?? DEFAULT_LINES, format: logFormat(format) }, req, res);
    },
  }),
];
