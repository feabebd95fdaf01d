import type { Request, Response } from 'express';
import { openServiceLogStream } from '../../core/logs/service-logs.js';
import type { Deps } from '../../core/ports.js';
import { pipeToEventStream, resumeCursor } from '../event-stream.js';
import { type LogFormat, logEventFrame } from './service-log-lines.js';

/**
 * `GET /services/{id}/logstream`: the service's journal as server-sent events, each entry's cursor as
 * its id. Starts with the newest `lines` entries, or after Last-Event-ID (or `?after=`), then follows
 * until the client leaves. An unknown service or cursor is answered before the stream opens (404, 400).
 */
export async function streamServiceLog(deps: Deps, serviceId: string, options: { lines: number; format: LogFormat }, req: Request, res: Response): Promise<void> {
  const events = await openServiceLogStream(deps, serviceId, { lines: options.lines, after: resumeCursor(req) });
  // a reader too far behind, or a failing journal, ends the stream with an error event; the client may resume
  await pipeToEventStream(res, events, (event) => logEventFrame(event, serviceId, options.format));
}
