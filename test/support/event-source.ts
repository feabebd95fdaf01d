/** One dispatched server-sent event, as an EventSource would hand it over. */
export interface SseEvent {
  /** The last event id seen so far (what EventSource sends back as Last-Event-ID). */
  lastEventId: string;
  event: string;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** The response body when it is not an event stream (an error answer). */
  body?: string;
  /** Events in order; ends when the server closes the stream. */
  events: AsyncGenerator<SseEvent>;
  /** Comment lines seen so far (heartbeats). */
  comments: string[];
  close(): void;
}

/**
 * Opens a text/event-stream over fetch and parses it the way the EventSource specification does
 * (fields, multi-line data, comments, ids that carry over to later events).
 */
export async function openEventSource(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const comments: string[] = [];
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { status: res.status, headers: res.headers, body: await res.text(), events: (async function* () {})(), comments, close: () => {} };
  }
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  async function* events(): AsyncGenerator<SseEvent> {
    let buffered = '';
    let lastEventId = '';
    let event = '';
    let data: string[] = [];
    try {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) return;
        buffered += chunk.value;
        let end: number;
        while ((end = buffered.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + (buffered.startsWith('\r\n', end) ? 2 : 1));
          if (line === '') {
            if (data.length > 0) yield { lastEventId, event: event || 'message', data: data.join('\n') };
            event = '';
            data = [];
            continue;
          }
          if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
            continue;
          }
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (name === 'data') data.push(value);
          else if (name === 'event') event = value;
          else if (name === 'id' && !value.includes('\0')) lastEventId = value;
        }
      }
    } finally {
      controller.abort();
    }
  }
  return { status: res.status, headers: res.headers, events: events(), comments, close: () => controller.abort() };
}

/** Reads events until `stop` says so (inclusive; the stream stays open for more) or the stream ends. */
export async function readEvents(connection: SseConnection, stop: (event: SseEvent, all: SseEvent[]) => boolean = () => false): Promise<SseEvent[]> {
  const seen: SseEvent[] = [];
  for (let next = await connection.events.next(); !next.done; next = await connection.events.next()) {
    seen.push(next.value);
    if (stop(next.value, seen)) break;
  }
  return seen;
}
