import type { Deps } from '../ports.js';
import { importNewDeviceKey, importRecoveryKey } from './import-auth-keys.js';
import { importBackupSettings } from './import-backup-settings.js';
import { importDeviceTokens } from './import-device-tokens.js';
import { importEmailPasswords } from './import-email-passwords.js';
import type { ImportReport } from './import-report.js';
import type { ReferenceSource } from './reference-source.js';

export type ImportDeps = Pick<Deps, 'tokens' | 'authKeys' | 'emailPasswords' | 'backupState' | 'clock' | 'referenceImports'>;

/**
 * Imports the reference API's paired devices, recovery and pairing keys, e-mail passwords and backup
 * configuration, so replacing it unpairs no phone. Idempotent; with `dryRun` it only reports what it would do.
 */
export async function importReference(deps: ImportDeps, source: ReferenceSource, options: { dryRun: boolean }): Promise<ImportReport> {
  const records = await source.read();
  const { dryRun } = options;
  return {
    dryRun,
    deviceTokens: await importDeviceTokens(deps, records.deviceTokens, dryRun),
    recoveryKey: await importRecoveryKey(deps, records.recoveryKey, dryRun),
    newDeviceKey: await importNewDeviceKey(deps, records.newDeviceKey, dryRun),
    emailPasswords: await importEmailPasswords(deps, records.emailPasswords, dryRun),
    backup: await importBackupSettings(deps, records.backup, dryRun),
  };
}
