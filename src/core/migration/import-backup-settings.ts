import type { AutobackupQuotas, BackupSettings } from '../backups/backup-ports.js';
import { UNLIMITED_QUOTAS } from '../backups/backup-ports.js';
import type { BackupProvider } from '../backups/backup-types.js';
import type { Deps } from '../ports.js';
import { emptySection, type ImportSection } from './import-report.js';
import type { ReferenceBackupRecords } from './reference-source.js';
import { fieldOf, instantOf, integerOf } from './reference-values.js';

type BackupDeps = Pick<Deps, 'backupState'>;

const PROVIDERS: readonly BackupProvider[] = ['BACKBLAZE', 'NONE', 'MEMORY', 'FILE'];
const QUOTA_FIELDS = ['last', 'daily', 'weekly', 'monthly', 'yearly'] as const;

/** Signals that no encryption key is stored here (the repository's generator is never allowed to run). */
class NoKeyHere extends Error {}

async function storedKey(deps: BackupDeps): Promise<string | undefined> {
  try {
    return await deps.backupState.encryptionKey(() => {
      throw new NoKeyHere();
    });
  } catch (err) {
    if (err instanceof NoKeyHere) return undefined;
    throw err;
  }
}

function quotasOf(records: ReferenceBackupRecords): AutobackupQuotas | undefined {
  if (!records.quotas) return undefined;
  const quotas = { ...UNLIMITED_QUOTAS };
  for (const field of QUOTA_FIELDS) {
    const value = integerOf(fieldOf(records.quotas, field));
    if (value === undefined) return undefined;
    quotas[field] = value;
  }
  return quotas;
}

const sameQuotas = (a: AutobackupQuotas, b: AutobackupQuotas) => QUOTA_FIELDS.every((f) => a[f] === b[f]);

/**
 * Carries the reference's backup configuration over when this API has no repository of its own yet: the
 * provider and its credentials, the initialised mark, the automatic-backup period and quotas, the last backup
 * of each service, and the repository password, so the snapshots already made stay readable. A repository
 * configured here is never replaced. The snapshot list itself is not copied: it is read again from restic.
 */
export async function importBackupSettings(deps: BackupDeps, records: ReferenceBackupRecords, dryRun: boolean): Promise<ImportSection> {
  const section = emptySection();
  const current = await deps.backupState.readSettings();
  const kind = records.provider ? fieldOf(records.provider, 'kind') : null;
  const provider = PROVIDERS.find((p) => p === kind);
  if (!records.provider || provider === 'NONE') return section;
  if (!provider) {
    section.skipped.push({ name: 'repository', reason: `unknown provider ${JSON.stringify(kind)}` });
    return section;
  }
  const wanted: Partial<BackupSettings> = {
    provider,
    login: fieldOf(records.provider, 'login') ?? '',
    providerKey: fieldOf(records.provider, 'key') ?? '',
    locationName: fieldOf(records.provider, 'location') ?? '',
    locationId: fieldOf(records.provider, 'repo_id') ?? '',
    initialized: records.initialized,
  };
  const repositoryName = `${provider} repository ${wanted.locationName}`;
  const sameRepository =
    current.provider === provider && current.locationName === wanted.locationName && current.locationId === wanted.locationId;
  if (current.provider !== 'NONE' && !sameRepository) {
    section.skipped.push({ name: repositoryName, reason: `a ${current.provider} repository is configured here` });
    return section;
  }
  const patch: Partial<BackupSettings> = {};
  if (sameRepository) section.present.push(repositoryName);
  else {
    Object.assign(patch, wanted);
    section.imported.push(repositoryName);
  }
  const period = integerOf(records.autobackupPeriod ?? null);
  if (period !== undefined && period > 0) {
    if (current.autobackupPeriodMinutes === period) section.present.push('automatic backup period');
    else {
      patch.autobackupPeriodMinutes = period;
      section.imported.push(`automatic backup period (${period} minutes)`);
    }
  }
  const quotas = quotasOf(records);
  if (records.quotas && !quotas) section.skipped.push({ name: 'quotas', reason: 'not whole numbers' });
  if (quotas) {
    if (sameQuotas(current.quotas, quotas)) section.present.push('quotas');
    else {
      patch.quotas = quotas;
      section.imported.push('quotas');
    }
  }
  await importEncryptionKey(deps, records.localSecret, sameRepository, section, dryRun);
  await importLastBackups(deps, records, section, dryRun);
  if (!dryRun && Object.keys(patch).length > 0) await deps.backupState.updateSettings(patch);
  return section;
}

async function importEncryptionKey(
  deps: BackupDeps,
  secret: string | undefined,
  sameRepository: boolean,
  section: ImportSection,
  dryRun: boolean,
): Promise<void> {
  const name = 'encryption key';
  if (!secret || secret === 'None') return;
  const here = await storedKey(deps);
  if (here === secret) section.present.push(name);
  else if (here !== undefined && sameRepository) {
    section.skipped.push({ name, reason: 'the repository here is opened with another key' });
  } else {
    // a key generated here before any repository was configured protects nothing yet: the reference's replaces it
    if (!dryRun) await deps.backupState.setEncryptionKey(secret);
    section.imported.push(name);
  }
}

async function importLastBackups(deps: BackupDeps, records: ReferenceBackupRecords, section: ImportSection, dryRun: boolean) {
  for (const { serviceId, fields } of records.lastBackedUp) {
    const name = `last backup of ${serviceId}`;
    const snapshotId = fieldOf(fields, 'id');
    const at = instantOf(fieldOf(fields, 'created_at') ?? '');
    if (!snapshotId || !at) {
      section.skipped.push({ name, reason: 'not in the expected format' });
      continue;
    }
    const here = await deps.backupState.lastBackedUp(serviceId);
    if (here?.snapshotId === snapshotId) section.present.push(name);
    else if (here && here.at.getTime() >= at.getTime()) section.skipped.push({ name, reason: 'a later backup was made here' });
    else {
      if (!dryRun) await deps.backupState.setLastBackedUp(serviceId, snapshotId, at);
      section.imported.push(name);
    }
  }
}
