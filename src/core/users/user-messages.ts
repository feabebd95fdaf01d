// Contract texts of the users area, byte-exact with the reference (odd wording included).

const OUTDATED_APP = 'Your SelfPrivacy app is out of date, please update it to use new features.';

export const USER_MESSAGES = {
  reservedUsername: 'Username is in reserved list or have reserved prefix.',
  reservedPrefix: (prefix: string) => `Username is in reserved list or have reserved prefix.\nReserved prefix: ${prefix}.`,
  usernameNotAlphanumeric: 'Username must be alphanumeric and start with a letter.\n',
  usernameTooLong: 'Username is too long. Must be less than 32 characters.',
  displayNameTooLong: 'Display name is too long. Must be less than 256 characters.',
  passwordEmpty: 'Password cannot be empty.',
  passwordForbiddenCharacters: 'Password cannot contain carriage returns, line feeds, or NUL bytes.',
  passwordTooLong: (maxBytes: number) => `Password cannot be longer than ${maxBytes} bytes.`,
  userAlreadyExists: 'User already exists',
  userNotFound: 'User not found',
  rootProtected: 'Root user cannot be deleted or modified.',
  userProtected: 'User is protected and cannot be deleted or modified',
  // Kanidm's answer for an unknown user or group (one error for both), as the reference words it.
  userOrGroupNotFound:
    'User or group not found.\nKanidm uses the same error for missing users and groups.' +
    'Kanidm is the identity and authentication service that manages users and access to services.\n',
  userCreated: 'User created',
  userUpdated: 'User updated',
  userDeleted: 'User deleted',
  passwordAppliedAsEmailPassword:
    'New password applied an an email password. To use Single Sign On, please update the SelfPrivacy app.' + ` ${OUTDATED_APP}`,
  resetLinkCreated: 'Link successfully created',
  emailPasswordDeleted: 'Password deleted successfully',
} as const;

export const SSH_MESSAGES = {
  invalidKey: (supported: readonly string[]) => `Invalid key type. Supported key types: ${supported.join(', ')}`,
  keyAlreadyExists: 'Key already exists',
  keyNotFound: 'Key not found',
  keyAdded: 'New SSH key successfully written',
  keyRemoved: 'SSH key successfully removed',
} as const;

// The legacy REST API's texts for the same situations (1.2.x callers match on them).
export const LEGACY_USER_MESSAGES = {
  usernameForbidden: 'Username is forbidden',
  usernameNotAlphanumeric: 'username must be alphanumeric',
  usernameTooLong: 'username must be less than 32 characters',
  userAlreadyExists: 'User already exists',
  cannotDeletePrimary: 'Cannot delete root user',
  userDoesNotExist: 'User does not exist',
} as const;

export const LEGACY_SSH_MESSAGES = {
  invalidKey: 'Invalid key type. Only ssh-ed25519 and ssh-rsa are supported.',
  keyCannotBeBlank: 'Key cannot be blank!',
  useRootKeyPath: 'Use /ssh/key/send to add root keys',
  keyWritten: 'New SSH key successfully written',
  keyDeleted: 'SSH key deleted',
  userKeyDeleted: 'SSH key successfully deleted',
} as const;

// The password-reset page served by this API (not part of the reference).
export const RESET_MESSAGES = {
  linkInvalid: 'This password reset link is invalid, has expired or has already been used.',
  passwordsDiffer: 'The two passwords do not match.',
  passwordChanged: 'The password has been changed.',
} as const;
