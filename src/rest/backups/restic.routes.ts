import { z } from 'zod';
import { legacyConfigureBackblaze, legacyReloadSnapshots, legacyRestoreBackup, legacyStartBackup } from '../../core/backups/legacy-restic-actions.js';
import { LEGACY_RESTIC_MESSAGES as LEGACY, LEGACY_RESTIC_STATES, legacyResticStatus, legacySnapshotList } from '../../core/backups/legacy-restic.js';
import { field } from '../legacy-fields.js';
import { type LegacyRoute, legacyRoute, textResponse, UNAUTHORIZED } from '../legacy-route.js';

const tag = 'backups';
const started = z.object({ status: z.literal(0), message: z.string() });
const refused = (description: string) => ({ description, body: z.object({ error: z.string() }) });
const snapshot = z.object({
  short_id: z.string().describe("restic's short id (8 hex characters)"),
  id: z.string().describe("restic's full id"),
  time: z.string().describe('When the snapshot was taken (ISO 8601)'),
  paths: z.array(z.string()),
  tags: z.array(z.string()).describe('The service id, then the reason (EXPLICIT, AUTO, PRE_RESTORE)'),
});

// The legacy restic paths (rest.md §4.7). The legacy controller answered at once and worked in the background.
export const resticRoutes: LegacyRoute<any>[] = [
  legacyRoute({
    method: 'get',
    path: '/services/restic/backup/list',
    summary: 'List the backup snapshots',
    description: 'The cached snapshots of every service, oldest first; [] before they were first listed.',
    tag,
    responses: { 200: { description: 'Snapshots, shaped like `restic snapshots --json`', body: z.array(snapshot) }, 401: UNAUTHORIZED },
    async handle({ deps }) {
      return { status: 200, body: await legacySnapshotList(deps) };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/services/restic/backup/reload',
    summary: 'Reload the snapshot list from the repository',
    description: 'Starts the reload and answers at once; a failed reload shows as status ERROR.',
    tag,
    responses: { 200: { description: 'Reload started', body: started }, 401: UNAUTHORIZED },
    async handle({ deps }) {
      legacyReloadSnapshots(deps);
      return { status: 200, body: { status: 0, message: LEGACY.reloadStarted } };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/services/restic/backup/status',
    summary: 'State of the backup system',
    tag,
    responses: {
      200: {
        description: 'The state, the running backup\u2019s progress (0 to 1) and the last failure\u2019s text',
        body: z.object({ status: z.enum(LEGACY_RESTIC_STATES), progress: z.number(), error_message: z.string().nullable() }),
      },
      401: UNAUTHORIZED,
    },
    async handle({ deps }) {
      return { status: 200, body: await legacyResticStatus(deps) };
    },
  }),

  legacyRoute({
    method: 'put',
    path: '/services/restic/backup/create',
    summary: 'Back up every service',
    description: 'Starts a total backup job and answers at once.',
    tag,
    responses: {
      200: { description: 'Backup started', body: started },
      400: refused('No key provided, or the repository is initializing'),
      401: UNAUTHORIZED,
      409: refused('A backup is already running'),
    },
    async handle({ deps }) {
      await legacyStartBackup(deps);
      return { status: 200, body: { status: 0, message: LEGACY.backupStarted } };
    },
  }),

  legacyRoute({
    method: 'put',
    path: '/services/restic/backup/restore',
    summary: 'Restore a snapshot',
    description: "Restores the snapshot's service from it (download, verify, then overwrite) as a job and answers at once.",
    tag,
    fields: { backupId: field.string({ required: true, description: "The snapshot's short id" }) },
    responses: {
      200: { description: 'Restore started', body: started },
      400: refused('Missing backupId, no key provided, or the repository is not initialized or initializing'),
      401: UNAUTHORIZED,
      404: refused('No snapshot with this id'),
      409: refused('A backup or a restore is already running'),
    },
    async handle({ deps, fields }) {
      await legacyRestoreBackup(deps, fields.backupId!);
      return { status: 200, body: { status: 0, message: LEGACY.restoreStarted } };
    },
  }),

  legacyRoute({
    method: 'put',
    path: '/services/restic/backblaze/config',
    summary: 'Set the Backblaze B2 keys and bucket',
    description: 'Saves them in the userdata file and configures Backblaze backups in the background (status INITIALIZING until done).',
    tag,
    fields: {
      accountId: field.string({ required: true, description: 'The B2 application key id' }),
      accountKey: field.string({ required: true, secret: true, description: 'The B2 application key (in the body only)' }),
      bucket: field.string({ required: true, description: 'The bucket name' }),
    },
    responses: { 200: textResponse('Saved (JSON string "New Backblaze settings saved")'), 400: { description: 'A missing field' }, 401: UNAUTHORIZED },
    async handle({ deps, fields }) {
      await legacyConfigureBackblaze(deps, { accountId: fields.accountId!, accountKey: fields.accountKey!, bucket: fields.bucket! });
      // legacy: a bare JSON string
      return { status: 200, body: LEGACY.settingsSaved };
    },
  }),
];
