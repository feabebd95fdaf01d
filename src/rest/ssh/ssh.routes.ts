import { z } from 'zod';
import { addSshKey, listSshKeys, removeSshKey } from '../../core/ssh/ssh-keys.js';
import { LEGACY_SSH_MESSAGES as LEGACY } from '../../core/users/user-messages.js';
import { field } from '../legacy-fields.js';
import { type LegacyRoute, legacyRoute, UNAUTHORIZED } from '../legacy-route.js';

const tag = 'ssh';
const publicKey = () => ({
  public_key: field.string({ required: true, help: LEGACY.keyCannotBeBlank, description: 'Starts with ssh-ed25519 or ssh-rsa' }),
});
const message = z.object({ message: z.string() });

// The legacy REST paths of the `ssh` area (key paths; the settings paths belong to `system`).
// Key checks are the 1.2.x ones: legacy callers never sent other key types.
export const sshRoutes: LegacyRoute<any>[] = [
  legacyRoute({
    method: 'put',
    path: '/services/ssh/key/send',
    summary: 'Add a public key for root',
    tag,
    fields: publicKey(),
    responses: {
      201: { description: 'Key added', body: z.object({ status: z.number().int(), message: z.string() }) },
      400: { description: 'Missing or invalid key' },
      401: UNAUTHORIZED,
      409: { description: 'Key already exists' },
    },
    async handle({ deps, fields }) {
      await addSshKey(deps, 'root', fields.public_key!, 'legacy');
      return { status: 201, body: { status: 0, message: LEGACY.keyWritten } };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/services/ssh/keys/{username}',
    summary: 'List the public keys of root, the primary user or a user',
    tag,
    responses: {
      200: { description: 'Keys', body: z.array(z.string()) },
      401: UNAUTHORIZED,
      404: { description: 'User not found' },
    },
    async handle({ deps, params }) {
      return { status: 200, body: await listSshKeys(deps, params.username!) };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/services/ssh/keys/{username}',
    summary: 'Add a public key for the primary user or a user (root: PUT /services/ssh/key/send)',
    tag,
    fields: publicKey(),
    responses: {
      201: { description: 'Key added', body: message },
      400: { description: 'Missing or invalid key, or root' },
      401: UNAUTHORIZED,
      404: { description: 'User not found' },
      409: { description: 'Key already exists' },
    },
    async handle({ deps, fields, params }) {
      if (params.username === 'root') return { status: 400, body: { error: LEGACY.useRootKeyPath } };
      await addSshKey(deps, params.username!, fields.public_key!, 'legacy');
      return { status: 201, body: { message: LEGACY.keyWritten } };
    },
  }),

  legacyRoute({
    method: 'delete',
    path: '/services/ssh/keys/{username}',
    summary: 'Remove a public key of root, the primary user or a user',
    tag,
    fields: publicKey(),
    responses: {
      200: { description: 'Key removed', body: message },
      400: { description: 'Missing key' },
      401: UNAUTHORIZED,
      404: { description: 'User or key not found' },
    },
    async handle({ deps, fields, params }) {
      const owner = await removeSshKey(deps, params.username!, fields.public_key!, { dropEmptyRootKeys: true });
      // legacy: a regular user's key got a different text than root's and the primary user's
      return { status: 200, body: { message: owner === 'user' ? LEGACY.userKeyDeleted : LEGACY.keyDeleted } };
    },
  }),
];
