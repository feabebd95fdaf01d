// Contract texts: the GraphQL API's, byte-exact with the reference (typographic apostrophe included).
export const AUTH_MESSAGES = {
  tokenNotFound: 'Access token was not found.',
  cannotDeleteCallerToken:
    'The access token you\u2019re trying to delete is currently in use by this device, so removing access is not possible.',
  recoveryKeyNotFound: 'Recovery key is not found or no longer valid.',
  newDeviceKeyNotFound: 'Access token was not found.',
  expirationInPast:
    'Specified expiration date is in the past. Please provide a future date.\n' +
    "If you believe this is a mistake, there may be a problem with the server's date/time settings.",
  usesMustBePositive: 'Uses left must be greater than 0.',
  unauthenticated: 'You must be authenticated to access this resource.',
  tooManyAttempts: 'Too many failed attempts from this address. Try again later.',
} as const;

// The legacy REST API's texts for the same situations (1.2.x callers match on them).
export const LEGACY_AUTH_MESSAGES = {
  missingHeader: 'Missing Authorization header',
  invalidToken: 'Invalid token',
  tokenNotFound: 'Token not found',
  cannotDeleteCallerToken: "Cannot delete caller's token",
  tokenDeleted: 'Token deleted',
  deviceAuthorized: 'Device authorized',
  expirationInPast: 'Expiration date cannot be in the past',
  usesMustBePositive: 'Uses must be greater than 0',
  invalidExpiration: 'Invalid expiration date. Use YYYY-MM-DDTHH:MM:SS.SSS',
} as const;
