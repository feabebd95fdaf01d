import type { BackgroundWork, Logger } from '../../core/ports.js';

interface Running {
  task: Promise<void>;
  controller: AbortController;
  id?: string;
}

/** Runs work detached from the request, remembering it so shutdown can wait for it and then abort it. */
export class InProcessBackgroundWork implements BackgroundWork {
  private readonly running = new Set<Running>();

  constructor(private readonly logger: Logger) {}

  run(label: string, work: (signal: AbortSignal) => Promise<void>, id?: string): void {
    const controller = new AbortController();
    const entry: Running = { controller, id, task: Promise.resolve() };
    entry.task = Promise.resolve()
      .then(() => work(controller.signal))
      .catch((err: unknown) => this.logger.error('background work failed', { label, error: String(err) }))
      .finally(() => this.running.delete(entry));
    this.running.add(entry);
  }

  cancel(id: string, reason: unknown): boolean {
    let found = false;
    for (const entry of this.running) {
      if (entry.id !== id) continue;
      entry.controller.abort(reason);
      found = true;
    }
    return found;
  }

  cancelAll(reason: unknown): void {
    for (const entry of this.running) entry.controller.abort(reason);
  }

  async drain(timeoutMs = Infinity): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      const remaining = deadline - Date.now();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, Math.min(remaining, 2 ** 31 - 1)).unref());
      await Promise.race([Promise.allSettled([...this.running].map((entry) => entry.task)), timeout]);
    }
  }
}
