/**
 * An async iterator fed by `push`, holding at most `capacity` unread values. A reader that falls that
 * far behind is dropped: its backlog is freed and its next read rejects with the error `overflow` makes.
 */
export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private waiter?: { resolve: (result: IteratorResult<T>) => void; reject: (err: unknown) => void };
  private failure?: unknown;
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly overflow: () => Error,
    private readonly onClose: () => void = () => {},
  ) {}

  push(value: T): void {
    if (this.closed) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) return waiter.resolve({ done: false, value });
    if (this.buffered.length < this.capacity) return void this.buffered.push(value);
    this.failure = this.overflow();
    this.buffered.length = 0;
    this.finish();
  }

  /** Ends the iteration once the values already pushed have been read. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiter?.resolve({ done: true, value: undefined });
    this.waiter = undefined;
    this.onClose();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length > 0) return Promise.resolve({ done: false, value: this.buffered.shift() as T });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffered.length = 0;
    this.failure = undefined;
    this.finish();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiter?.resolve({ done: true, value: undefined });
    this.waiter = undefined;
    this.onClose();
  }
}
