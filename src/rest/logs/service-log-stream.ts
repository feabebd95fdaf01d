import type { Request, Response } from 'express';
import { describeError } from '../../core/errors.js';
import { openServiceLogStream } from '../../core/logs/service-logs.js';
import type { Deps } from '../../core/ports.js';
import { EventStream, formatEvent, resumeCursor } from '../event-stream.js';
import { type LogFormat, logEventFrame } from './service-log-lines.js';

/**
 * `GET /services/{id}/logstream`: the service's journal as server-sent events, each entry's cursor as
 * its id. Starts with the newest `lines` entries, or after Last-Event-ID (or `?after=`), then follows
 * until the client leaves. An unknown service or cursor is answered before the stream opens (404, 400).
 */
export async function streamServiceLog(deps: Deps, serviceId: string, options: { lines: number; format: LogFormat }, req: Request, res: Response): Promise<void> {
  const events = await openServiceLogStream(deps, serviceId, { lines: options.lines, after: resumeCursor(req) });
  const stream = new EventStream(res);
  const stop = () => void events.return?.();
  stream.signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const event of events) {
      if (!stream.send(logEventFrame(event, serviceId, options.format))) return;
    }
    stream.end();
  } catch (err) {
    // this reader fell too far behind, or the journal failed: the client hears why and may resume with Last-Event-ID
    const { code, message } = describeError(err);
    stream.end(formatEvent({ event: 'error', data: JSON.stringify({ code, message }) }));
  } finally {
    stream.signal.removeEventListener('abort', stop);
    stop();
  }
}
