import type { Topics } from '../../core/ports.js';

// Payloads one subscriber may have waiting. Every consumer reads promptly (the job feed, socket
// revocation, job cancellation); one that falls this far behind loses the oldest payloads.
export const MAX_QUEUED_PER_SUBSCRIBER = 1000;

/** A queue read by one async iterator, holding at most `capacity` payloads (the oldest go first); `close` ends it. */
class Subscription<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  push(value: T): void {
    if (this.closed) return;
    const waiter = this.waiting.shift();
    if (waiter) return waiter({ done: false, value });
    if (this.buffered.length >= this.capacity) this.buffered.shift();
    this.buffered.push(value);
  }

  /** Payloads waiting to be read. */
  get queued(): number {
    return this.buffered.length;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length > 0) return Promise.resolve({ done: false, value: this.buffered.shift() as T });
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered.length = 0;
    for (const waiter of this.waiting.splice(0)) waiter({ done: true, value: undefined });
    this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** Hands each delivered payload to every current subscriber of its topic, in delivery order, through bounded queues. */
export class LocalFanout {
  private readonly subscribers = new Map<keyof Topics, Set<Subscription<unknown>>>();

  constructor(private readonly capacity = MAX_QUEUED_PER_SUBSCRIBER) {}

  subscribe<K extends keyof Topics>(topic: K): AsyncIterableIterator<Topics[K]> & { readonly queued: number } {
    const set = this.subscribers.get(topic) ?? new Set();
    this.subscribers.set(topic, set);
    const subscription: Subscription<Topics[K]> = new Subscription(this.capacity, () => set.delete(subscription as Subscription<unknown>));
    set.add(subscription as Subscription<unknown>);
    return subscription;
  }

  deliver<K extends keyof Topics>(topic: K, payload: Topics[K]): void {
    for (const subscription of this.subscribers.get(topic) ?? []) subscription.push(structuredClone(payload));
  }

  closeAll(): void {
    for (const set of this.subscribers.values()) for (const subscription of [...set]) subscription.close();
  }
}
