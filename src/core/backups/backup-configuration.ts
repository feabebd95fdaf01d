import { randomBytes } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { withBackupErrors } from './backup-errors.js';
import { BACKUP_MESSAGES } from './backup-messages.js';
import type { AutobackupQuotas, BackupSettings } from './backup-ports.js';
import type { BackupProvider, ResticRepository } from './backup-types.js';
import { reloadSnapshots, snapshotsIn } from './snapshots.js';

/** The contract's BackupConfiguration (§4.8). */
export interface BackupConfigurationView {
  provider: BackupProvider;
  encryptionKey: string;
  isInitialized: boolean;
  autobackupPeriod: number | null;
  autobackupQuotas: AutobackupQuotas;
  locationName: string;
  locationId: string;
}

export interface RepositoryInput {
  provider: BackupProvider;
  locationId: string;
  locationName: string;
  login: string;
  password: string;
  localSecret?: string | null;
}

export type ConfigurationDeps = Pick<Deps, 'backupState' | 'restic' | 'logger'>;

/** The configuration as the app reads it; generates the encryption key on first read, confirms the repository with restic while unconfirmed. */
export async function backupConfiguration(deps: ConfigurationDeps): Promise<BackupConfigurationView> {
  const settings = await deps.backupState.readSettings();
  const encryptionKey = await encryptionKeyOf(deps);
  return {
    provider: settings.provider,
    encryptionKey,
    isInitialized: await confirmInitialized(deps, settings, encryptionKey),
    autobackupPeriod: settings.autobackupPeriodMinutes,
    autobackupQuotas: settings.quotas,
    locationName: settings.locationName,
    locationId: settings.locationId,
  };
}

/** Whether a repository is set up: the stored flag, else restic is asked (a yes is stored); NONE never is. */
export async function isRepositoryInitialized(deps: ConfigurationDeps): Promise<boolean> {
  const settings = await deps.backupState.readSettings();
  return confirmInitialized(deps, settings, await encryptionKeyOf(deps));
}

/**
 * Stores the provider and opens its repository: with `localSecret`, that key and the snapshots already there;
 * without, the repository is created, or connected to when one the key opens exists there. Nothing is stored
 * when restic fails (BACKUP_FAILED with its text).
 */
export async function initializeRepository(deps: ConfigurationDeps, input: RepositoryInput): Promise<BackupConfigurationView> {
  const provider: Partial<BackupSettings> = {
    provider: input.provider,
    login: input.login,
    providerKey: input.password,
    locationName: input.locationName,
    locationId: input.locationId,
  };
  if (input.localSecret) {
    // the key of an existing repository: its snapshot list must open with it before anything is stored
    const snapshots = await snapshotsIn(deps, repositoryFor({ ...(await deps.backupState.readSettings()), ...provider }, input.localSecret));
    await deps.backupState.setEncryptionKey(input.localSecret);
    await deps.backupState.updateSettings(provider);
    await deps.backupState.replaceSnapshots(snapshots);
    return backupConfiguration(deps);
  }
  const repo = repositoryFor({ ...(await deps.backupState.readSettings()), ...provider }, await encryptionKeyOf(deps));
  await withBackupErrors(async () => {
    // an existing repository the key opens is reused: its snapshots stay (a wrong key fails here)
    if (!(await deps.restic.isInitialized(repo))) await deps.restic.initRepository(repo);
  });
  await deps.backupState.updateSettings({ ...provider, initialized: true });
  await reloadSnapshots(deps);
  return backupConfiguration(deps);
}

/** Forgets the provider, period, quotas, snapshot cache and last-backup times; the key (and the remote data) stay. */
export async function removeRepository(deps: ConfigurationDeps): Promise<BackupConfigurationView> {
  await deps.backupState.forgetRepository();
  return backupConfiguration(deps);
}

/** Minutes between automatic backups; null, 0 or negative turns them off. */
export async function setAutobackupPeriod(deps: ConfigurationDeps, period: number | null): Promise<BackupConfigurationView> {
  await deps.backupState.updateSettings({ autobackupPeriodMinutes: period !== null && period > 0 ? period : null });
  return backupConfiguration(deps);
}

/** The configured repository and its key; BACKUP_NOT_CONFIGURED while the provider is NONE. */
export async function repositoryOf(deps: Pick<Deps, 'backupState'>): Promise<ResticRepository> {
  const settings = await deps.backupState.readSettings();
  if (settings.provider === 'NONE') throw new CoreError('BACKUP_NOT_CONFIGURED', BACKUP_MESSAGES.notConfigured);
  return repositoryFor(settings, await encryptionKeyOf(deps));
}

/** The encryption key, generated and stored on first use: URL-safe base64 of 256 random bytes. */
export function encryptionKeyOf(deps: Pick<Deps, 'backupState'>): Promise<string> {
  return deps.backupState.encryptionKey(() => randomBytes(256).toString('base64url'));
}

function repositoryFor(settings: BackupSettings, encryptionKey: string): ResticRepository {
  return {
    provider: settings.provider,
    location: settings.locationName,
    login: settings.login,
    providerKey: settings.providerKey,
    encryptionKey,
  };
}

async function confirmInitialized(deps: ConfigurationDeps, settings: BackupSettings, encryptionKey: string): Promise<boolean> {
  if (settings.initialized) return true;
  if (settings.provider === 'NONE') return false;
  try {
    if (!(await deps.restic.isInitialized(repositoryFor(settings, encryptionKey)))) return false;
  } catch (err) {
    // a read answers "not initialised" rather than failing; the reason goes to the log (restic's text holds no secret)
    deps.logger.warn('backup repository could not be checked', { provider: settings.provider, error: err instanceof Error ? err.message : String(err) });
    return false;
  }
  await deps.backupState.updateSettings({ initialized: true });
  return true;
}
