import { CoreError } from '../errors.js';
import { BACKUP_MESSAGES } from './backup-messages.js';
import { ResticError } from './backup-types.js';

/** A restic failure as the CoreError a caller shows: not configured, or BACKUP_FAILED with restic's text. */
export function backupError(err: unknown): unknown {
  if (!(err instanceof ResticError)) return err;
  if (err.failure === 'NOT_CONFIGURED') return new CoreError('BACKUP_NOT_CONFIGURED', BACKUP_MESSAGES.notConfigured, { cause: err });
  return new CoreError('BACKUP_FAILED', err.message, { cause: err });
}

/** Runs a restic call, turning its failure into the CoreError of `backupError`. */
export async function withBackupErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw backupError(err);
  }
}

/** The text a job shows for a failure: the message itself (restic's, or ours). */
export function failureText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
