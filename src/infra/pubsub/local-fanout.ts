import type { Topics } from '../../core/ports.js';

/** An unbounded queue read by one async iterator; `close` ends it. */
class Subscription<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.closed) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter({ done: false, value });
    else this.buffered.push(value);
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

/** Hands each delivered payload to every current subscriber of its topic, in delivery order. */
export class LocalFanout {
  private readonly subscribers = new Map<keyof Topics, Set<Subscription<unknown>>>();

  subscribe<K extends keyof Topics>(topic: K): AsyncIterableIterator<Topics[K]> {
    const set = this.subscribers.get(topic) ?? new Set();
    this.subscribers.set(topic, set);
    const subscription: Subscription<Topics[K]> = new Subscription(() => set.delete(subscription as Subscription<unknown>));
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
