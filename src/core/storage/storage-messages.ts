// Every user-facing text of the storage area, in one place.

export const STORAGE_MESSAGES = {
  volumeNotFound: 'Volume not found',
  resizeStarted: 'Volume resize started',
  mounted: 'Volume mounted, rebuild the system to apply changes',
  alreadyMounted: 'Volume not mounted (already mounted?)',
  unmounted: 'Volume unmounted, rebuild the system to apply changes',
  notMounted: 'Volume not unmounted (already unmounted?)',
  alreadyMigrated: 'Already migrated to binds',
  migrationStarted: 'Migration to binds started, rebuild the system to apply changes',
} as const;

export const MIGRATION_MESSAGES = {
  alreadyDone: 'Migration already done.',
  checking: 'Checking if all volumes are available.',
  deviceNotFound: (name: string) => `Block device ${name} not found.`,
  deviceNotMounted: (name: string) => `Block device ${name} not mounted.`,
  activating: 'Activating binds in NixOS config.',
  migrating: (service: string) => `Migrating ${service}.`,
  stopTimeout: (service: string) => `${service} did not stop within 5 minutes; its data was not moved.`,
  finished: 'Migration finished.',
} as const;

export const MIGRATION_JOB = {
  typeId: 'migrations.migrate_to_binds',
  name: 'Migrate to binds',
  description: 'Migration required to use the new disk space management.',
  resource: 'storage',
} as const;
