import { eq, lt } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { Logger, PubSub, Topics } from '../../core/ports.js';
import type { Db } from '../db/database.js';
import { notificationPayloads } from '../db/schema.js';
import { LocalFanout } from './local-fanout.js';

const CHANNEL = 'sp_api_events';
const MAX_INLINE_BYTES = 7000; // NOTIFY payloads are limited to 8000 bytes
const SPILLED_PAYLOAD_LIFETIME_MS = 10 * 60 * 1000;

type Envelope = { topic: keyof Topics; payload: unknown } | { topic: keyof Topics; spilledId: number };

/**
 * Pub/sub through PostgreSQL LISTEN/NOTIFY, so that every API process on one database
 * sees every event (its own included: local subscribers are fed from the notification).
 */
export class PostgresPubSub implements PubSub {
  private readonly fanout = new LocalFanout();
  private unlisten?: () => Promise<void>;
  private readonly gapListeners = new Set<() => void>();
  // Notifications are handled one at a time so spilled payloads cannot overtake inline ones.
  private delivery: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Sql,
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    let listenedBefore = false;
    const listening = await this.sql.listen(
      CHANNEL,
      (text) => {
        this.delivery = this.delivery.then(() => this.receive(text));
      },
      // called at every LISTEN: after the first one, the connection was lost and is back, and what was
      // notified in between never arrives
      () => {
        if (listenedBefore) this.announceGap();
        listenedBefore = true;
      },
    );
    this.unlisten = listening.unlisten;
  }

  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => void this.gapListeners.delete(listener);
  }

  private announceGap(): void {
    this.logger.warn('the pub/sub connection to the database was re-established: notifications sent meanwhile are lost');
    for (const listener of [...this.gapListeners]) listener();
  }

  async publish<K extends keyof Topics>(topic: K, payload: Topics[K]): Promise<void> {
    let envelope: Envelope = { topic, payload };
    let text = JSON.stringify(envelope);
    if (Buffer.byteLength(text) > MAX_INLINE_BYTES) {
      const [row] = await this.db
        .insert(notificationPayloads)
        .values({ payload: JSON.stringify(payload), createdAt: new Date() })
        .returning({ id: notificationPayloads.id });
      envelope = { topic, spilledId: row!.id };
      text = JSON.stringify(envelope);
    }
    await this.sql.notify(CHANNEL, text);
  }

  subscribe<K extends keyof Topics>(topic: K): AsyncIterableIterator<Topics[K]> {
    return this.fanout.subscribe(topic);
  }

  /** Drops spilled payloads old enough that every listener has read them. */
  async purgeSpilled(now: Date): Promise<void> {
    const before = new Date(now.getTime() - SPILLED_PAYLOAD_LIFETIME_MS);
    await this.db.delete(notificationPayloads).where(lt(notificationPayloads.createdAt, before));
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.fanout.closeAll();
  }

  private async receive(text: string): Promise<void> {
    try {
      const envelope = JSON.parse(text) as Envelope;
      const payload = 'spilledId' in envelope ? await this.readSpilled(envelope.spilledId) : envelope.payload;
      if (payload !== undefined) this.fanout.deliver(envelope.topic, payload as Topics[keyof Topics]);
    } catch (err) {
      this.logger.error('could not deliver a notification', { error: String(err) });
    }
  }

  private async readSpilled(id: number): Promise<unknown> {
    const [row] = await this.db.select().from(notificationPayloads).where(eq(notificationPayloads.id, id));
    return row ? JSON.parse(row.payload) : undefined;
  }
}
