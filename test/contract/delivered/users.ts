// Contract types and root fields the `users` area delivers (see ../delivered-schema.ts).
export const usersTypes: string[] = [
  'Users',
  'Groups',
  'User',
  'UserType',
  'Group',
  'UsersMutations',
  'UserMutationInput',
  'UserMutationReturn',
  'SshMutationInput',
  'PasswordResetLinkReturn',
  'EmailPasswordMetadata',
  'EmailPasswordsMetadataMutations',
  'GenericMutationReturn',
  'MutationReturnInterface',
  'DateTime',
];
export const usersRootFields = {
  Query: ['users', 'groups'] as string[],
  Mutation: [
    'users',
    'emailPasswordMetadataMutations',
    'createUser',
    'deleteUser',
    'updateUser',
    'addSshKey',
    'removeSshKey',
  ] as string[],
  Subscription: [] as string[],
};
