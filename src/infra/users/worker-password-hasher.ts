import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PasswordHasher } from '../../core/ports.js';

const SALT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SALT_LENGTH = 16;
const WORKER_URL = new URL('./password-hash.worker.mjs', import.meta.url);

function randomSalt(): string {
  let salt = '';
  for (let i = 0; i < SALT_LENGTH; i++) salt += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)];
  return salt;
}

interface Pending {
  worker: Worker;
  resolve(hash: string): void;
  reject(err: Error): void;
}

/**
 * SHA-512 crypt (`$6$<salt>$<hash>`, 5000 rounds: what `mkpasswd -m sha-512` writes and NixOS reads)
 * on a small pool of worker threads, started on first use. The work grows with the password's length,
 * so it must not run on the event loop; the workers never keep the process alive.
 */
export class WorkerPasswordHasher implements PasswordHasher {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly poolSize = Math.min(2, availableParallelism())) {}

  hash(password: string): Promise<string> {
    return this.hashWithSalt(password, randomSalt());
  }

  /** A fixed salt: for published test vectors. */
  hashWithSalt(password: string, salt: string): Promise<string> {
    const id = this.nextId++;
    const worker = this.workerFor(id);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, password, salt });
    });
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  // Round robin: jobs queue in each worker's message port.
  private workerFor(id: number): Worker {
    if (this.workers.length < this.poolSize) this.workers.push(this.startWorker());
    return this.workers[id % this.workers.length]!;
  }

  private startWorker(): Worker {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', ({ id, hash, error }: { id: number; hash?: string; error?: string }) => {
      const job = this.pending.get(id);
      this.pending.delete(id);
      if (hash !== undefined) job?.resolve(hash);
      else job?.reject(new Error(`password hashing failed: ${error}`));
    });
    worker.on('error', (err) => this.failWorker(worker, err));
    worker.on('exit', (code) => this.failWorker(worker, new Error(`password hashing worker exited with code ${code}`)));
    return worker;
  }

  // A dead worker fails the jobs it still had; a new one starts on next use.
  private failWorker(worker: Worker, err: Error): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    for (const [id, job] of this.pending) {
      if (job.worker !== worker) continue;
      this.pending.delete(id);
      job.reject(err);
    }
  }
}
