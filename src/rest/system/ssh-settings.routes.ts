import { z } from 'zod';
import { LEGACY_SSH_DEFAULTS, changeSshSettings, getSshSettings, setSshEnabled } from '../../core/system/ssh-settings.js';
import { LEGACY_SYSTEM_MESSAGES as LEGACY, SYSTEM_MESSAGES as M } from '../../core/system/system-messages.js';
import { field } from '../legacy-fields.js';
import { legacyRoute, UNAUTHORIZED, textResponse } from '../legacy-route.js';

// The SSH daemon settings (not the keys: those are the users area's); registered with the system routes.

const sshSettingsBody = z.object({ enable: z.boolean(), passwordAuthentication: z.boolean() });

export const sshSettingsRoutes = [
  legacyRoute({
    method: 'get',
    path: '/services/ssh',
    summary: 'Get the SSH settings',
    tag: 'ssh',
    responses: { 200: { description: 'SSH settings (absent keys read as true)', body: sshSettingsBody }, 401: UNAUTHORIZED },
    async handle({ deps }) {
      return { status: 200, body: await getSshSettings(deps, LEGACY_SSH_DEFAULTS) };
    },
  }),

  legacyRoute({
    method: 'put',
    path: '/services/ssh',
    summary: 'Change the SSH settings',
    tag: 'ssh',
    fields: {
      enable: field.boolean({ description: 'Run the SSH daemon' }),
      passwordAuthentication: field.boolean({ description: 'Allow password logins' }),
    },
    responses: { 200: textResponse('SSH settings changed'), 401: UNAUTHORIZED },
    async handle({ deps, fields }) {
      await changeSshSettings(deps, { enable: fields.enable, passwordAuthentication: fields.passwordAuthentication });
      return { status: 200, body: M.sshSettingsChanged };
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/services/ssh/enable',
    summary: 'Enable SSH',
    tag: 'ssh',
    responses: {
      200: { description: 'Enabled', body: z.object({ status: z.number().int(), message: z.string() }) },
      401: UNAUTHORIZED,
    },
    async handle({ deps }) {
      await setSshEnabled(deps, true);
      return { status: 200, body: { status: 0, message: LEGACY.sshEnabled } };
    },
  }),
];

