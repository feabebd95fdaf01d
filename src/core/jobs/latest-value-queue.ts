/**
 * An async iterator that holds only the newest value offered and not yet read: a reader that
 * falls behind gets the latest value when it resumes, never a backlog.
 */
export class LatestValueQueue<T> implements AsyncIterableIterator<T> {
  private pending?: { value: T };
  private waiter?: (result: IteratorResult<T>) => void;
  private closed = false;

  constructor(private readonly onClose: () => void = () => {}) {}

  /** Replaces any unread value with `value`. */
  offer(value: T): void {
    if (this.closed) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter({ done: false, value });
    else this.pending = { value };
  }

  /** Whether a value is waiting to be read (at most one ever is). */
  get hasPending(): boolean {
    return this.pending !== undefined;
  }

  next(): Promise<IteratorResult<T>> {
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      return Promise.resolve({ done: false, value: pending.value });
    }
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.pending = undefined;
      this.waiter?.({ done: true, value: undefined });
      this.waiter = undefined;
      this.onClose();
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
