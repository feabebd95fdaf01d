// Contract types and root fields the `system` area delivers (see ../delivered-schema.ts).
// SystemDomainInfo.requiredDnsRecords comes from the services area (a field resolver).
export const systemTypes: string[] = [
  'System',
  'Alert',
  'Severity',
  'SystemDomainInfo',
  'DnsProvider',
  'SystemSettings',
  'AutoUpgradeOptions',
  'SshSettings',
  'SystemInfo',
  'SystemProviderInfo',
  'ServerProvider',
  'SystemMutations',
  'TimezoneMutationReturn',
  'AutoUpgradeSettingsInput',
  'AutoUpgradeSettingsMutationReturn',
  'SSHSettingsInput',
  'SSHSettingsMutationReturn',
  'SetDnsProviderInput',
  'GenericJobMutationReturn',
];
export const systemRootFields = {
  Query: ['system'] as string[],
  Mutation: [
    'system',
    'changeTimezone',
    'changeAutoUpgradeSettings',
    'runSystemRebuild',
    'runSystemRollback',
    'runSystemUpgrade',
    'rebootSystem',
    'pullRepositoryChanges',
    'setSshSettings',
  ] as string[],
  Subscription: [] as string[],
};
