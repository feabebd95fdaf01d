import type { Request, Response } from 'express';
import { followJobLog, logCursor } from '../../core/jobs/job-log.js';
import type { JobLogLine } from '../../core/jobs/job-log-types.js';
import type { Deps } from '../../core/ports.js';
import { formatEvent, pipeToEventStream, resumeCursor } from '../event-stream.js';

// A line followed by many clients of this process is one shared object: its event is built once.
const frames = new WeakMap<JobLogLine, string>();

function lineFrame(line: JobLogLine): string {
  let frame = frames.get(line);
  if (frame === undefined) {
    frame = formatEvent({ id: logCursor(line), data: JSON.stringify({ timestamp: line.timestamp.toISOString(), message: line.message }) });
    frames.set(line, frame);
  }
  return frame;
}

/**
 * `GET /tasks/{id}/logstream`: the job's log as server-sent events, each line's cursor as its id;
 * replays after Last-Event-ID (or `?after=`), follows, and ends with an `end` event saying how the job
 * ended. An unknown job or a bad cursor is answered before the stream opens (404, 400).
 */
export async function streamTaskLog(deps: Deps, taskId: string, req: Request, res: Response): Promise<void> {
  const events = await followJobLog(deps, taskId, resumeCursor(req));
  await pipeToEventStream(res, events, (event) =>
    event.kind === 'end' ? { last: formatEvent({ event: 'end', data: JSON.stringify(event.end) }) } : lineFrame(event.line),
  );
}
