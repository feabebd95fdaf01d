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
const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

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
    if (!result) results.set(key, (result = Promise.resolve(execute({ ...args, rootValue: event }))));
    return result;
  });
}

function shareKey(args: ExecutionArgs): string {
  let id = documentIds.get(args.document);
  if (id === undefined) documentIds.set(args.document, (id = (lastDocumentId += 1)));
  const caller = (args.contextValue as GqlContext | undefined)?.caller ? 1 : 0;
  return `${id}\u0000${caller}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? null)}`;
}

/** graphql's mapAsyncIterator (internal there): the same next/return/throw semantics. */
function mapEvents<T>(iterable: AsyncIterable<unknown>, map: (event: unknown) => T | Promise<T>): AsyncIterableIterator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  const returnIgnoringErrors = async () => {
    try {
      await iterator.return?.();
    } catch {
      // keep the original error
    }
  };
  const mapResult = async (result: IteratorResult<unknown>): Promise<IteratorResult<T>> => {
    if (result.done) return result;
    try {
      return { value: await map(result.value), done: false };
    } catch (err) {
      await returnIgnoringErrors();
      throw err;
    }
  };
  return {
    async next() {
      return mapResult(await iterator.next());
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

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}

/** A `next` payload already serialised: what graphql-ws would write for `result`, as JSON text. */
export class EncodedPayload {
  constructor(readonly json: string) {}
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
let handedOver: string | undefined;
const PLACEHOLDER = 0;
const PLACEHOLDER_TAIL = '"payload":0}';

/** graphql-ws's `jsonMessageReplacer`. */
export function payloadReplacer(key: string, value: unknown): unknown {
  if (key === 'payload' && value instanceof EncodedPayload) {
    handedOver = value.json;
    return PLACEHOLDER;
  }
  return value;
}

/** The message text graphql-ws serialised, with the encoded payload it refers to put in. */
export function spliceEncodedPayload(text: string): string {
  const json = handedOver;
  if (json === undefined) return text;
  handedOver = undefined;
  // graphql-ws writes `id`, `type`, then `payload`: the placeholder ends the message
  if (text.endsWith(PLACEHOLDER_TAIL)) return `${text.slice(0, -2)}${json}}`;
  const message = JSON.parse(text) as { payload: unknown };
  return JSON.stringify({ ...message, payload: JSON.parse(json) });
}
