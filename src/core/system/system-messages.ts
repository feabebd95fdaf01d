// Every user-facing text of the system area, in English (the reference's message ids), in one place.

export const SYSTEM_MESSAGES = {
  timezoneChanged: 'Timezone changed',
  invalidTimezone: (timezone: string) =>
    `Invalid timezone: ${timezone}\nTimezone not in pytz.all_timezones.\nList of available timezones:\nhttps://data.iana.org/time-zones/data/zone.tab`,
  autoUpgradeChanged: 'Auto-upgrade settings changed',
  sshSettingsChanged: 'SSH settings changed',
  rebuildStarted: 'Starting system rebuild',
  upgradeStarted: 'Starting system upgrade',
  rollbackStarted: 'Starting system rollback',
  rebootStarted: 'System reboot has started',
  noRepository: 'There is no repository to pull changes from.',
  garbageCollectorStarted: 'Garbage collector started...',
  providerSet: 'Provider set',
  dnsSecretsMissing: (provider: string) =>
    `The provider ${provider} requires additional secrets, but they were not provided.`,
  dnsSecretsUnused: (provider: string) => `The provider ${provider} does not use the provided additional secrets.`,
} as const;

// The legacy REST texts (1.2.x), where they differ from the GraphQL ones.
export const LEGACY_SYSTEM_MESSAGES = {
  invalidTimezone: 'Invalid timezone',
  pullSucceeded: 'Update completed successfully',
  pullFailed: 'Something went wrong',
  sshEnabled: 'SSH enabled',
  /** The 1.2.x default when userdata has no timezone (GraphQL answers Etc/UTC). */
  defaultTimezone: 'Europe/Uzhgorod',
} as const;

// Rebuilds, upgrades and garbage collection all change the system generation: one at a time.
export const SYSTEM_JOBS = {
  rebuild: {
    typeId: 'system.nixos.rebuild',
    name: 'Rebuild system',
    description: 'Applying the new system configuration by building the new NixOS generation.',
    resource: 'system',
  },
  upgrade: {
    typeId: 'system.nixos.upgrade',
    name: 'Upgrade system',
    description: 'Upgrading the system to the latest version.',
    resource: 'system',
  },
  collectGarbage: {
    typeId: 'maintenance.collect_nix_garbage',
    name: 'Collect garbage',
    description: 'Cleaning up unused packages',
    resource: 'system',
  },
} as const;
