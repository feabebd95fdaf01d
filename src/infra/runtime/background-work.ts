import type { BackgroundWork, Logger } from '../../core/ports.js';

/** Runs work detached from the request, remembering it so shutdown can wait for it. */
export class InProcessBackgroundWork implements BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(label: string, work: () => Promise<void>): void {
    const task = Promise.resolve()
      .then(work)
      .catch((err: unknown) => this.logger.error('background work failed', { label, error: String(err) }))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  async drain(timeoutMs = Infinity): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      const remaining = deadline - Date.now();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, Math.min(remaining, 2 ** 31 - 1)).unref());
      await Promise.race([Promise.allSettled([...this.running]), timeout]);
    }
  }
}
