// Contract types and root fields the `services` area delivers (see ../delivered-schema.ts).
// Also StorageVolume.usages and SystemDomainInfo.requiredDnsRecords (field resolvers of this area).
export const servicesTypes: string[] = [
  'Service',
  'ServiceStatusEnum',
  'SupportLevelEnum',
  'LicenseType',
  'DnsRecord',
  'ConfigItem',
  'StringConfigItem',
  'BoolConfigItem',
  'EnumConfigItem',
  'ServiceStorageUsage',
  'StorageUsageInterface',
  'Services',
  'ServicesMutations',
  'ServiceMutationReturn',
  'ServiceJobMutationReturn',
  'SetServiceConfigurationInput',
  'MoveServiceInput',
  'JSON',
];
export const servicesRootFields = {
  Query: ['services'] as string[],
  Mutation: ['services', 'enableService', 'disableService', 'stopService', 'startService', 'restartService', 'moveService'] as string[],
  Subscription: [] as string[],
};
