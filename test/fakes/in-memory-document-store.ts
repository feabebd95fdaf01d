import type { JsonDocumentStore } from '../../src/core/ports.js';

/** A userdata/secrets store in memory: updates apply to a copy and commit only when they succeed. */
export class InMemoryDocumentStore<T> implements JsonDocumentStore<T> {
  writes = 0;
  constructor(public document: T) {}

  async read(): Promise<T> {
    return structuredClone(this.document);
  }

  // Updates queue up like the file store's, so async changes never lose each other.
  private queue: Promise<unknown> = Promise.resolve();

  update<R>(change: (draft: T) => R | Promise<R>): Promise<R> {
    const next = this.queue.then(async () => {
      const draft = structuredClone(this.document);
      const result = await change(draft);
      this.document = draft;
      this.writes += 1;
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
