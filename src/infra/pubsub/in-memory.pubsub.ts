import type { PubSub, Topics } from '../../core/ports.js';
import { LocalFanout } from './local-fanout.js';

/** Pub/sub inside one process: enough when only one process can open the database (PGlite). */
export class InMemoryPubSub implements PubSub {
  private readonly fanout = new LocalFanout();

  async publish<K extends keyof Topics>(topic: K, payload: Topics[K]): Promise<void> {
    this.fanout.deliver(topic, payload);
  }

  subscribe<K extends keyof Topics>(topic: K): AsyncIterableIterator<Topics[K]> {
    return this.fanout.subscribe(topic);
  }

  async close(): Promise<void> {
    this.fanout.closeAll();
  }
}
