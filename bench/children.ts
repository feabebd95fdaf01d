import { type ChildProcess, fork } from 'node:child_process';

/**
 * Every process the benchmark starts, so that all of them are ended when it ends, fails or is
 * interrupted; and the workers (load generator, clients, ceiling server), each in its own process,
 * spoken to over IPC (a token never goes on a command line).
 */

export const ROOT = new URL('..', import.meta.url).pathname;

type Killer = () => void;
const killers = new Set<Killer>();

/** Registers how to kill something at exit; returns the unregistration. */
export function onExitKill(kill: Killer): () => void {
  killers.add(kill);
  return () => killers.delete(kill);
}

/** Runs the registered kills, the latest first: processes go before the folders they were using are removed. */
export function killEverything(): void {
  for (const kill of [...killers].reverse()) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
  killers.clear();
}

let installed = false;
/** Kills every registered process on exit, on an uncaught failure and on SIGINT / SIGTERM / SIGHUP. */
export function installExitHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killEverything);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every process it started\n`);
      killEverything();
      process.exit(130);
    });
  }
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** A worker process (a bench/*.ts file run by node with tsx) answering requests over IPC. */
export class Worker {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly unregister: () => void;

  constructor(file: string) {
    this.child = fork(new URL(file, import.meta.url).pathname, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', '--max-old-space-size=2048'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.unregister = onExitKill(() => this.child.kill('SIGKILL'));
    this.child.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(m.error ?? 'worker failed'));
    });
    this.child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${file} exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T>(message: Record<string, unknown>, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${String(message.type)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ ...message, id });
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
    this.unregister();
  }
}

/** The worker side: answers each request with `handle`'s result; exits when the parent goes. */
export function serveRequests(handle: (message: Record<string, unknown>) => Promise<unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Record<string, unknown>) => {
    const id = message.id as number;
    handle(message).then(
      (value) => process.send!({ id, ok: true, value } satisfies Reply),
      (err: unknown) => process.send!({ id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
    );
  });
}
