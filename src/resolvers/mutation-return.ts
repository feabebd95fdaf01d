import { describeError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';

export interface MutationOutcome {
  success: boolean;
  code: number;
  message: string;
}

/**
 * The only place a failure becomes `{success: false, code, message}`: a CoreError keeps its
 * status and text; anything else is logged and answered with `unexpectedCode` and a neutral text.
 */
export async function mutationResult<T extends object>(
  logger: Logger,
  ok: { code: number; message: string },
  run: () => Promise<T>,
  unexpectedCode = 400,
): Promise<MutationOutcome & Partial<T>> {
  try {
    return { success: true, ...ok, ...(await run()) };
  } catch (err) {
    const described = describeError(err);
    if (described.code === 'INTERNAL') {
      logger.error('mutation failed', { error: err instanceof Error ? err.stack : String(err) });
      return { success: false, code: unexpectedCode, message: described.message } as MutationOutcome & Partial<T>;
    }
    return { success: false, code: described.status, message: described.message } as MutationOutcome & Partial<T>;
  }
}
