import { type DocumentNode, type ExecutionArgs, type ExecutionResult, createSourceEventStream, execute } from 'graphql';
import type { GqlContext } from '../resolvers/context.js';

/*
 * One event, executed and serialised once for all its subscribers.
 *
 * A feed hands the same event object to every subscriber of it (the job list after a change, one journal
 * entry of a follower). Subscribers with the same document, operation and variables get the same
 * ExecutionResult for it: it is executed for the first of them and shared by the rest. This is sound because
 * what a subscription can select (jobs, their log lines, journal entries) depends on the caller only through
 * @Authorized(), which asks whether there is a caller, and every subscriber on a socket has one (the key holds
 * that bit anyway). Its `next` payload is serialised once too (see `encodedPayload`); each socket's message
 * is built around it with its own subscription id.
 */

// Documents are shared between sockets by the document cache of the transport; each gets a number for the key.
const documentIds = new WeakMap<DocumentNode, number>();
let lastDocumentId = 0;
const resultsByEvent = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();

/** graphql's `subscribe`, with each object event executed once per (document, operation, variables). */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream;
  const key = shareKey(args);
  return mapEvents(stream, (event) => {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let results = resultsByEvent.get(event);
    if (!results) resultsByEvent.set(event, (results = new Map()));
    let result = results.get(key);
    // the result itself when execution finished at once (every subscriber then maps the event without a promise)
    if (!result) results.set(key, (result = execute({ ...args, rootValue: event })));
    return result;
  });
}

function shareKey(args: ExecutionArgs): string {
  let id = documentIds.get(args.document);
  if (id === undefined) documentIds.set(args.document, (id = (lastDocumentId += 1)));
  const caller = (args.contextValue as GqlContext | undefined)?.caller ? 1 : 0;
  return `${id}\u0000${caller}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? null)}`;
}

/**
 * graphql's mapAsyncIterator (internal there): the same next/return/throw semantics, with no promise of its
 * own for an event `map` maps at once (a subscriber's step per event is then the source's promise only).
 */
function mapEvents<T>(iterable: AsyncIterable<unknown>, map: (event: unknown) => T | Promise<T>): AsyncIterableIterator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  const returnIgnoringErrors = async () => {
    try {
      await iterator.return?.();
    } catch {
      // keep the original error
    }
  };
  const failed = async (err: unknown): Promise<never> => {
    await returnIgnoringErrors();
    throw err;
  };
  const mapResult = (result: IteratorResult<unknown>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    if (result.done) return result;
    let mapped: T | Promise<T>;
    try {
      mapped = map(result.value);
    } catch (err) {
      return failed(err);
    }
    if (isPromiseLike(mapped)) return Promise.resolve(mapped).then((value) => ({ value, done: false }), failed);
    return { value: mapped, done: false };
  };
  return {
    next() {
      return iterator.next().then(mapResult);
    },
    async return() {
      return typeof iterator.return === 'function' ? mapResult(await iterator.return()) : { value: undefined, done: true };
    },
    async throw(err: unknown) {
      if (typeof iterator.throw === 'function') return mapResult(await iterator.throw(err));
      await returnIgnoringErrors();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}

/** A `next` payload already serialised: what graphql-ws would write for `result`, as JSON text. */
export class EncodedPayload {
  private utf8?: Buffer;

  constructor(readonly json: string) {}

  /** The text as UTF-8 bytes, encoded once and shared by every socket's frame (never modified). */
  get bytes(): Buffer {
    return (this.utf8 ??= Buffer.from(this.json));
  }
}

const payloads = new WeakMap<ExecutionResult, EncodedPayload>();

/** The `next` payload of `result` exactly as graphql-ws writes it (errors in their JSON form), serialised once. */
export function encodedPayload(result: ExecutionResult): EncodedPayload {
  let payload = payloads.get(result);
  if (!payload) {
    const { errors, ...withoutErrors } = result;
    payload = new EncodedPayload(JSON.stringify({ ...withoutErrors, ...(errors ? { errors: errors.map((e) => e.toJSON()) } : {}) }));
    payloads.set(result, payload);
  }
  return payload;
}

/*
 * graphql-ws serialises each message with JSON.stringify(message, replacer) and hands the text to the
 * socket's send() at once. The replacer puts a placeholder in place of an EncodedPayload and leaves its text
 * here; send() (`spliceEncodedPayload`) puts that text in the placeholder's place. Both happen in one
 * synchronous step, so the text left here always belongs to the message being sent.
 */
let handedOver: EncodedPayload | undefined;
const PLACEHOLDER = 0;
const PLACEHOLDER_TAIL = '"payload":0}';

/** graphql-ws's `jsonMessageReplacer`. */
export function payloadReplacer(key: string, value: unknown): unknown {
  if (key === 'payload' && value instanceof EncodedPayload) {
    handedOver = value;
    return PLACEHOLDER;
  }
  return value;
}

/**
 * The encoded payload of the message text graphql-ws serialised, when the placeholder ends it (graphql-ws
 * writes `id`, `type`, then `payload`): the message is then `text` without its last two characters
 * (`0}`), the payload's text, and `}`. Undefined otherwise (then `spliceEncodedPayload` builds the message).
 */
export function trailingEncodedPayload(text: string): EncodedPayload | undefined {
  const payload = handedOver;
  if (payload === undefined || !text.endsWith(PLACEHOLDER_TAIL)) return undefined;
  handedOver = undefined;
  return payload;
}

/** The message text graphql-ws serialised, with the encoded payload it refers to put in. */
export function spliceEncodedPayload(text: string): string {
  const payload = handedOver;
  if (payload === undefined) return text;
  handedOver = undefined;
  if (text.endsWith(PLACEHOLDER_TAIL)) return `${text.slice(0, -2)}${payload.json}}`;
  const message = JSON.parse(text) as { payload: unknown };
  return JSON.stringify({ ...message, payload: JSON.parse(payload.json) });
}
