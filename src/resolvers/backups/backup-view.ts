import type { BackupConfigurationView } from '../../core/backups/backup-configuration.js';
import type { CachedSnapshot } from '../../core/backups/backup-ports.js';
import { utcIso } from '../../core/time/iso-format.js';
import { type BackupConfiguration, BackupProvider } from '../../schema/backups/backup-configuration.type.js';
import { BackupReason, SnapshotInfo } from '../../schema/backups/snapshot-info.type.js';
import type { Service } from '../../schema/services/service.type.js';
import type { GqlContext } from '../context.js';
import { orphanedService, snapshotFor, toService } from '../services/service-view.js';

// Core backup values as the contract's types.

export function toBackupConfiguration(view: BackupConfigurationView): BackupConfiguration {
  return {
    provider: view.provider as BackupProvider,
    encryptionKey: view.encryptionKey,
    isInitialized: view.isInitialized,
    autobackupPeriod: view.autobackupPeriod,
    autobackupQuotas: { ...view.autobackupQuotas },
    locationName: view.locationName,
    locationId: view.locationId,
  };
}

/** A snapshot with its service (aware UTC time, as restic reports it). */
export function toSnapshotInfo(snapshot: CachedSnapshot, service: Service): SnapshotInfo {
  return Object.assign(new SnapshotInfo(), {
    id: snapshot.id,
    service,
    createdAt: utcIso(snapshot.createdAt),
    reason: snapshot.reason as BackupReason,
  });
}

/** Snapshots of any services: each with its service, or the tombstone when that service no longer exists (§4.8). */
export async function toSnapshotInfos(ctx: GqlContext, snapshots: readonly CachedSnapshot[]): Promise<SnapshotInfo[]> {
  const services = snapshotFor(ctx);
  const known = new Map((await services.services()).map((definition) => [definition.id, definition]));
  return snapshots.map((snapshot) => {
    const definition = known.get(snapshot.serviceId);
    return toSnapshotInfo(snapshot, definition ? toService(definition, services) : orphanedService(snapshot.serviceId, services));
  });
}
