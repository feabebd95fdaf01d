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
  JOB_NOT_RUNNING: 409,
  RESOURCE_BUSY: 409,
  JOB_LOG_READER_TOO_SLOW: 429,
  LOG_READER_TOO_SLOW: 429,
  TOO_MANY_ATTEMPTS: 429,
  STORAGE_UNAVAILABLE: 503,
  // system
  INVALID_TIMEZONE: 400,
  NO_REPOSITORY: 400,
  DNS_SECRETS_MISSING: 400,
  DNS_SECRETS_UNUSED: 400,
  HOST_COMMAND_FAILED: 500,
  // users, groups, SSH keys, e-mail passwords
  USER_NOT_FOUND: 404,
  USER_ALREADY_EXISTS: 409,
  USERNAME_RESERVED: 409,
  INVALID_USERNAME: 400,
  USERNAME_TOO_LONG: 400,
  INVALID_PASSWORD: 400,
  DISPLAY_NAME_TOO_LONG: 400,
  CANNOT_MODIFY_ROOT: 400,
  CANNOT_DELETE_PRIMARY_USER: 400,
  GROUP_NOT_FOUND: 404,
  INVALID_SSH_KEY: 400,
  KEY_ALREADY_EXISTS: 409,
  KEY_NOT_FOUND: 404,
  EMAIL_PASSWORD_NOT_FOUND: 404,
  RESET_LINK_INVALID: 404,
  IDENTITY_SERVICE_FAILED: 500, // Kanidm down, refusing our token, or answering what we cannot read
  // storage
  VOLUME_NOT_FOUND: 404,
  VOLUME_ALREADY_MOUNTED: 409,
  VOLUME_NOT_MOUNTED: 409,
  ALREADY_MIGRATED: 409,
  // services
  SERVICE_NOT_FOUND: 404,
  SERVICE_ACTION_UNSUPPORTED: 400,
  INVALID_SERVICE_CONFIGURATION: 400,
  MOVE_NOT_POSSIBLE: 400,
  // backups (the contract answers an unknown service to startBackup with code 300)
  BACKUP_UNKNOWN_SERVICE: 300,
  SNAPSHOT_NOT_FOUND: 404,
  SNAPSHOT_SERVICE_NOT_FOUND: 404,
  BACKUP_BUSY: 400,
  BACKUP_NOT_CONFIGURED: 400,
  BACKUP_FAILED: 400,
  BACKUP_REPOSITORY_UNAVAILABLE: 503,
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
