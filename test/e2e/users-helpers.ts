import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UserData } from '../../src/core/userdata/userdata-types.js';

/** The userdata file as the server left it. */
export function readUserdata(server: { dataDir: string }): UserData {
  return JSON.parse(readFileSync(join(server.dataDir, 'userdata.json'), 'utf8')) as UserData;
}

export function legacyEntry(server: { dataDir: string }, username: string) {
  return readUserdata(server).users?.find((u) => u.username === username);
}

export const USER_FIELDS = 'username userType sshKeys directmemberof memberof displayName email emailPasswordMetadata { uuid displayName createdAt expiresAt lastUsed }';

export const MESSAGES = {
  unauthenticated: 'You must be authenticated to access this resource.',
  passwordApplied:
    'New password applied an an email password. To use Single Sign On, please update the SelfPrivacy app. ' +
    'Your SelfPrivacy app is out of date, please update it to use new features.',
  reserved: 'Username is in reserved list or have reserved prefix.',
  notAlphanumeric: 'Username must be alphanumeric and start with a letter.\n',
  tooLong: 'Username is too long. Must be less than 32 characters.',
  displayNameTooLong: 'Display name is too long. Must be less than 256 characters.',
  passwordEmpty: 'Password cannot be empty.',
  passwordChars: 'Password cannot contain carriage returns, line feeds, or NUL bytes.',
  rootProtected: 'Root user cannot be deleted or modified.',
  userProtected: 'User is protected and cannot be deleted or modified',
  kanidmNotFound:
    'User or group not found.\nKanidm uses the same error for missing users and groups.' +
    'Kanidm is the identity and authentication service that manages users and access to services.\n',
  invalidKey:
    'Invalid key type. Supported key types: ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ' +
    'sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com',
};

/** An aware UTC DateTime as the reference writes e-mail password dates. */
export const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/;
