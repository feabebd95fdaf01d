import { z } from 'zod';
import { LEGACY_USER_MESSAGES as LEGACY } from '../../core/users/user-messages.js';
import { createUser, deleteUser, listUsernames } from '../../core/users/users.js';
import { field } from '../legacy-fields.js';
import { type LegacyRoute, legacyRoute, UNAUTHORIZED } from '../legacy-route.js';

const tag = 'users';
const result = z.object({ result: z.number().int(), username: z.string() });
const error = (text: string) => ({ error: text });

// The legacy REST paths of the `users` area.
export const usersRoutes: LegacyRoute<any>[] = [
  legacyRoute({
    method: 'get',
    path: '/users',
    summary: 'List the users (the primary user first, with withMainUser)',
    tag,
    fields: { withMainUser: field.boolean({ description: 'Also list the primary user (any non-empty value counts as true)' }) },
    responses: { 200: { description: 'Usernames', body: z.array(z.string()) }, 401: UNAUTHORIZED },
    async handle({ deps, fields }) {
      return { status: 200, body: await listUsernames(deps, fields.withMainUser ?? false) };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/users',
    summary: 'Create a user (member of sp.full_users; the password is its login and e-mail password)',
    tag,
    fields: {
      username: field.string({ required: true, description: 'Lowercase letters, digits and _, not starting with a digit, 2 to 31 characters' }),
      password: field.string({ required: true, secret: true, description: 'Login password (1 to 4096 bytes, no CR, LF or NUL; in the body only)' }),
    },
    reportAllMissing: true,
    responses: {
      201: { description: 'User created', body: result },
      400: { description: 'Missing field, invalid username or password' },
      401: UNAUTHORIZED,
      409: { description: 'Username forbidden or already taken' },
    },
    errors: {
      USERNAME_RESERVED: { status: 409, body: { message: LEGACY.usernameForbidden } },
      INVALID_USERNAME: { status: 400, body: error(LEGACY.usernameNotAlphanumeric) },
      USERNAME_TOO_LONG: { status: 400, body: error(LEGACY.usernameTooLong) },
      USER_ALREADY_EXISTS: { status: 409, body: error(LEGACY.userAlreadyExists) },
    },
    async handle({ deps, fields }) {
      // 1.2.x accepted an empty password; the core refuses it (an empty unix password is unsafe), as 2.x did.
      await createUser(deps, { username: fields.username!, password: fields.password! });
      return { status: 201, body: { result: 0, username: fields.username } };
    },
  }),

  legacyRoute({
    method: 'delete',
    path: '/users/{username}',
    summary: 'Delete a user (not the primary user)',
    tag,
    responses: {
      200: { description: 'User deleted', body: result },
      400: { description: 'The primary user cannot be deleted' },
      401: UNAUTHORIZED,
      404: { description: 'No such user (root included)' },
    },
    errors: {
      CANNOT_DELETE_PRIMARY_USER: { status: 400, body: error(LEGACY.cannotDeletePrimary) },
      // legacy: root is not a `users[]` entry, so it was simply "not found"
      CANNOT_MODIFY_ROOT: { status: 404, body: error(LEGACY.userDoesNotExist) },
      USER_NOT_FOUND: { status: 404, body: error(LEGACY.userDoesNotExist) },
    },
    async handle({ deps, params }) {
      await deleteUser(deps, params.username!);
      return { status: 200, body: { result: 0, username: params.username } };
    },
  }),
];
