import { CoreError } from '../../src/core/errors.js';

export interface CoreFailure {
  code: string;
  status: number;
  message: string;
}

const describeFailure = (err: unknown): CoreFailure => {
  if (!(err instanceof CoreError)) throw err;
  return { code: err.code, status: err.status, message: err.message };
};

/** The CoreError `promise` rejects with, as {code, status, message}; undefined when it resolves. Other errors are rethrown. */
export async function coreFailure(promise: Promise<unknown>): Promise<CoreFailure | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return describeFailure(err);
  }
}

/** The same for a synchronous check. */
export function coreFailureOf(run: () => void): CoreFailure | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return describeFailure(err);
  }
}
