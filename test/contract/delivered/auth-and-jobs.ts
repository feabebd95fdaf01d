// The parts of the contract schema delivered so far; each issue widens these lists until they cover it all.
export const authAndJobsTypes = [
  'Api',
  'ApiDevice',
  'ApiRecoveryKeyStatus',
  'ApiJob',
  'Job',
  'ApiMutations',
  'JobMutations',
  'ApiKeyMutationReturn',
  'DeviceApiTokenMutationReturn',
  'GenericMutationReturn',
  'MutationReturnInterface',
  'RecoveryKeyLimitsInput',
  'UseRecoveryKeyInput',
  'UseNewDeviceKeyInput',
  'DateTime',
];

export const authAndJobsRootFields = {
  Query: ['api', 'jobs'],
  Mutation: [
    'api',
    'jobs',
    'getNewRecoveryApiKey',
    'useRecoveryApiKey',
    'refreshDeviceApiToken',
    'deleteDeviceApiToken',
    'getNewDeviceApiKey',
    'invalidateNewDeviceApiKey',
    'authorizeWithNewDeviceApiKey',
    'removeJob',
    'testMutation',
  ],
  Subscription: ['jobUpdates', 'count'],
} as { Query: string[]; Mutation: string[]; Subscription: string[] };
