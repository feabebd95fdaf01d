// Waiting on work that may never end (a hung host call) without being stuck with it.

/** Like `work`, but rejects with the signal's reason as soon as `signal` aborts; `work` is left to settle unobserved. */
export function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  return settleWithin(work, Number.POSITIVE_INFINITY, undefined as never, signal);
}

/**
 * Like `work`, but resolves with `onTimeout` once `ms` (real time) have passed, and rejects with the
 * signal's reason when `signal` aborts first. An abandoned `work` that fails later is not an unhandled rejection.
 */
export function settleWithin<T, U>(work: Promise<T>, ms: number, onTimeout: U, signal?: AbortSignal): Promise<T | U> {
  work.catch(() => undefined);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T | U>((resolve, reject) => {
    const timer = Number.isFinite(ms) ? setTimeout(() => finish(() => resolve(onTimeout)), Math.max(0, ms)) : undefined;
    const onAbort = () => finish(() => reject(signal!.reason));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
  });
}
