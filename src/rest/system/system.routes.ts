import { z } from 'zod';
import { pullConfiguration, rebootSystem, startNixosUnit } from '../../core/system/system-actions.js';
import { LEGACY_SYSTEM_MESSAGES as LEGACY, SYSTEM_MESSAGES as M } from '../../core/system/system-messages.js';
import { changeAutoUpgradeSettings, getKernelVersion, getStoredAutoUpgradeSection, getTimezone } from '../../core/system/system-settings.js';
import { changeTimezone } from '../../core/system/timezone.js';
import { RUNTIME_VERSION } from '../../infra/runtime/runtime-version.js';
import { field } from '../legacy-fields.js';
import { legacyRoute, UNAUTHORIZED, textResponse } from '../legacy-route.js';

const tag = 'system';

function unitRoute(path: string, unit: 'rebuild' | 'rollback' | 'upgrade', summary: string) {
  return legacyRoute({
    method: 'get',
    path,
    summary,
    tag,
    // legacy: the body is systemctl's exit code, with status 200 even when it is not 0
    responses: { 200: { description: "systemctl's exit code (0: the unit was started)", body: z.number().int() }, 401: UNAUTHORIZED },
    async handle({ deps }) {
      return { status: 200, body: await startNixosUnit(deps, unit) };
    },
  });
}

export const systemConfigurationRoutes = [
  legacyRoute({
    method: 'get',
    path: '/system/configuration/timezone',
    summary: 'Get the time zone',
    tag,
    responses: { 200: textResponse('The time zone (Europe/Uzhgorod when none is set)'), 401: UNAUTHORIZED },
    async handle({ deps }) {
      return { status: 200, body: await getTimezone(deps, LEGACY.defaultTimezone) };
    },
  }),

  legacyRoute({
    method: 'put',
    path: '/system/configuration/timezone',
    summary: 'Change the time zone',
    tag,
    fields: { timezone: field.string({ required: true, description: 'A tz database name, e.g. Europe/Berlin' }) },
    bareStringField: 'timezone',
    responses: {
      200: textResponse('Timezone changed'),
      400: { description: 'Missing or unknown time zone', body: z.object({ error: z.string() }) },
      401: UNAUTHORIZED,
    },
    errors: { INVALID_TIMEZONE: { status: 400, body: { error: LEGACY.invalidTimezone } } },
    async handle({ deps, fields }) {
      await changeTimezone(deps, fields.timezone!);
      return { status: 200, body: M.timezoneChanged };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/system/configuration/autoUpgrade',
    summary: 'Get the auto-upgrade settings',
    tag,
    responses: {
      200: { description: 'Auto-upgrade settings', body: z.object({ enable: z.boolean(), allowReboot: z.boolean() }) },
      401: UNAUTHORIZED,
    },
    async handle({ deps }) {
      return { status: 200, body: await getStoredAutoUpgradeSection(deps) };
    },
  }),

  legacyRoute({
    method: 'put',
    path: '/system/configuration/autoUpgrade',
    summary: 'Change the auto-upgrade settings',
    tag,
    fields: {
      enable: field.boolean({ description: 'Upgrade automatically' }),
      allowReboot: field.boolean({ description: 'Reboot after an upgrade when needed' }),
    },
    responses: { 200: textResponse('Auto-upgrade settings changed'), 401: UNAUTHORIZED },
    async handle({ deps, fields }) {
      await changeAutoUpgradeSettings(deps, { enable: fields.enable, allowReboot: fields.allowReboot });
      return { status: 200, body: M.autoUpgradeChanged };
    },
  }),

  unitRoute('/system/configuration/apply', 'rebuild', 'Apply the configuration (nixos-rebuild switch)'),
  unitRoute('/system/configuration/rollback', 'rollback', 'Roll back to the previous configuration'),
  unitRoute('/system/configuration/upgrade', 'upgrade', 'Upgrade the system (update inputs, then rebuild)'),

  legacyRoute({
    method: 'get',
    path: '/system/configuration/pull',
    summary: 'Pull the NixOS configuration repository (git pull)',
    tag,
    responses: {
      200: {
        description: 'Pulled (also when already up to date)',
        body: z.object({ status: z.number().int(), message: z.string(), data: z.string() }),
      },
      401: UNAUTHORIZED,
      500: { description: 'git failed', body: z.object({ status: z.number().int(), message: z.string(), data: z.string() }) },
    },
    async handle({ deps }) {
      const { exitCode, output } = await pullConfiguration(deps);
      if (exitCode === 0) return { status: 200, body: { status: 0, message: LEGACY.pullSucceeded, data: output } };
      return { status: 500, body: { status: exitCode, message: LEGACY.pullFailed, data: output } };
    },
  }),
];

export const systemInfoRoutes = [
  legacyRoute({
    method: 'get',
    path: '/system/reboot',
    summary: 'Reboot the server',
    tag,
    responses: { 200: textResponse('System reboot has started'), 401: UNAUTHORIZED },
    async handle({ deps }) {
      await rebootSystem(deps);
      return { status: 200, body: M.rebootStarted };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/system/version',
    summary: 'Get the kernel version (uname -a)',
    tag,
    responses: { 200: { description: 'Kernel version', body: z.object({ system_version: z.string() }) }, 401: UNAUTHORIZED },
    async handle({ deps }) {
      return { status: 200, body: { system_version: await getKernelVersion(deps) } };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/system/pythonVersion',
    summary: "Get the API's runtime version",
    tag,
    // legacy callers got `python -V`; this API runs on Node.js and says so
    responses: { 200: textResponse('Runtime version, e.g. Node.js v20.11.0'), 401: UNAUTHORIZED },
    async handle() {
      return { status: 200, body: RUNTIME_VERSION };
    },
  }),
];
