const STATUS = {
  // the one table both transports read
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  TOKEN_NOT_FOUND: 404,
  CANNOT_DELETE_CALLER_TOKEN: 400,
  RECOVERY_KEY_NOT_FOUND: 404,
  NEW_DEVICE_KEY_NOT_FOUND: 404,
  EXPIRATION_IN_PAST: 400,
  INVALID_USES: 400,
  JOB_NOT_FOUND: 404,
  TOO_MANY_ATTEMPTS: 429,
  STORAGE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS;

/** A failure the caller can act on: a domain code, its HTTP-like status and a contract message. */
export class CoreError extends Error {
  override name = 'CoreError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, opts);
    this.retryAfterSeconds = opts?.retryAfterSeconds;
  }
  readonly retryAfterSeconds?: number;
  get status(): number {
    return STATUS[this.code];
  }
}

export interface DescribedError {
  status: number;
  code: ErrorCode | 'INTERNAL';
  message: string;
}

/** Maps any thrown value to what a client may see; unknown errors never leak their text. */
export function describeError(err: unknown): DescribedError {
  if (err instanceof CoreError) return { status: err.status, code: err.code, message: err.message };
  return { status: 500, code: 'INTERNAL', message: 'Internal server error' };
}
