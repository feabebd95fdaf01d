import type { Request, Response } from 'express';
import { describeError } from '../core/errors.js';

// What one client may have written but not yet taken off the socket; past this it is dropped.
export const MAX_BUFFERED_BYTES = 256 * 1024;
// A comment line this often keeps proxies and idle timeouts from closing a quiet stream.
export const HEARTBEAT_MS = 15_000;
// How long a dropped client gets to take its final event before its socket is destroyed.
const FINAL_EVENT_GRACE_MS = 5_000;
// EventSource clients wait this long before reconnecting (with Last-Event-ID).
const RETRY_MS = 2_000;

export interface ServerSentEvent {
  /** The event's `id:`: what the client sends back as Last-Event-ID when it reconnects. */
  id?: string;
  /** The event type (`message` when absent). */
  event?: string;
  data: string;
}

/** One event in the text/event-stream format, built once and written to as many clients as need it. */
export function formatEvent({ id, event, data }: ServerSentEvent): string {
  let frame = '';
  // a line break would end the field early, so ids and types are kept to one line
  if (id !== undefined) frame += `id: ${id.replace(/[\r\n]/g, '')}\n`;
  if (event !== undefined) frame += `event: ${event.replace(/[\r\n]/g, '')}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

export interface EventStreamOptions {
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

/**
 * One client's text/event-stream answer: a bounded write buffer (a client that falls that far behind
 * gets a final `error` event and is closed, others are unaffected), heartbeat comments, and `signal`,
 * which aborts when the client goes away or the stream ends.
 */
export class EventStream {
  private readonly controller = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly res: Response,
    options: EventStreamOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx would otherwise hold events back
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
    res.on('close', () => this.stop());
  }

  /** Aborts when the client has gone or the stream has ended. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Writes an event built by formatEvent; false when the stream is over (client gone, or just dropped for being too slow). */
  send(frame: string): boolean {
    return this.write(frame);
  }

  /** Writes a last event (if any) and ends the stream. */
  end(finalFrame?: string): void {
    if (this.signal.aborted) return;
    this.stop();
    this.res.end(finalFrame);
  }

  private write(frame: string): boolean {
    if (this.signal.aborted) return false;
    if (this.res.writableLength + Buffer.byteLength(frame) > this.maxBufferedBytes) {
      this.drop();
      return false;
    }
    this.res.write(frame);
    return true;
  }

  private drop(): void {
    // the connection closes once the farewell is out, or after a grace if the client never takes it
    const socket = this.res.socket; // detached from the response by the time it has finished
    this.res.once('finish', () => socket?.end());
    this.end(formatEvent({ event: 'error', data: JSON.stringify({ code: 'TOO_SLOW', message: 'The client read too slowly and was disconnected; reconnect with Last-Event-ID to resume.' }) }));
    setTimeout(() => this.res.destroy(), FINAL_EVENT_GRACE_MS).unref();
  }

  private stop(): void {
    clearInterval(this.heartbeat);
    this.controller.abort();
  }
}

/** Where a reconnecting client resumes: its Last-Event-ID header, else `?after=`. */
export function resumeCursor(req: Request): string | undefined {
  const header = req.get('last-event-id');
  if (header) return header;
  const after = req.query.after;
  return typeof after === 'string' && after !== '' ? after : undefined;
}

/** What one item of a source becomes: an event to send, or the last event, after which the stream ends. */
export type Framed = string | { last: string };

/**
 * Sends each item of `events` as `frame` makes it until the source ends, the client leaves or falls too
 * far behind; a failing source ends the stream with an `error` event naming why (the client may resume
 * with Last-Event-ID). The source is returned in every case, so its follower can stop.
 */
export async function pipeToEventStream<T>(res: Response, events: AsyncIterableIterator<T>, frame: (item: T) => Framed): Promise<void> {
  const stream = new EventStream(res);
  const stop = () => void events.return?.();
  stream.signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const item of events) {
      const framed = frame(item);
      if (typeof framed !== 'string') return stream.end(framed.last);
      if (!stream.send(framed)) return;
    }
    stream.end();
  } catch (err) {
    const { code, message } = describeError(err);
    stream.end(formatEvent({ event: 'error', data: JSON.stringify({ code, message }) }));
  } finally {
    stream.signal.removeEventListener('abort', stop);
    stop();
  }
}
