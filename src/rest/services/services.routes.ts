import { z } from 'zod';
import { LEGACY_TOGGLE_IDS, legacyDkimRecord, legacyServiceStatus, legacyToggleService } from '../../core/services/legacy-services.js';
import { type LegacyRoute, legacyRoute, UNAUTHORIZED } from '../legacy-route.js';

const tag = 'services';
const statusCode = z.number().int().describe('systemctl status exit code: 0 running, 3 not running, 4 no such unit, 1 systemd could not be asked');

const statusRoute = legacyRoute({
  method: 'get',
  path: '/services/status',
  summary: 'Status of the main services',
  tag,
  responses: {
    200: {
      description: 'Per service, the exit code `systemctl status` gives for its units',
      body: z.object({
        imap: statusCode,
        smtp: statusCode,
        http: statusCode,
        bitwarden: statusCode,
        gitea: statusCode,
        nextcloud: statusCode,
        ocserv: statusCode,
        pleroma: statusCode,
      }),
    },
    401: UNAUTHORIZED,
  },
  async handle({ deps }) {
    return { status: 200, body: await legacyServiceStatus(deps) };
  },
});

// legacy: idempotent, always 200; the change takes effect at the next rebuild
const toggleRoutes = LEGACY_TOGGLE_IDS.flatMap((id) =>
  (['enable', 'disable'] as const).map((verb) =>
    legacyRoute({
      method: 'post',
      path: `/services/${id}/${verb}`,
      summary: `${verb === 'enable' ? 'Enable' : 'Disable'} ${id}`,
      tag,
      responses: {
        200: { description: `modules.${id}.enable written`, body: z.object({ status: z.literal(0), message: z.string() }) },
        401: UNAUTHORIZED,
      },
      async handle({ deps }) {
        return { status: 200, body: { status: 0, message: await legacyToggleService(deps, id, verb === 'enable') } };
      },
    }),
  ),
);

const dkimRoute = legacyRoute({
  method: 'get',
  path: '/services/mailserver/dkim',
  summary: "The mail server's DKIM record",
  tag,
  responses: {
    200: { description: 'The DKIM record file, base64-encoded, as a JSON string', body: z.string() },
    401: UNAUTHORIZED,
    404: { description: 'No DKIM record file (JSON string "DKIM file not found")', body: z.string() },
  },
  async handle({ deps }) {
    const record = await legacyDkimRecord(deps);
    // legacy: both answers are bare JSON strings, not objects
    return record === undefined ? { status: 404, body: 'DKIM file not found' } : { status: 200, body: record };
  },
});

// The legacy REST paths of the `services` area.
export const servicesRoutes: LegacyRoute<any>[] = [statusRoute, ...toggleRoutes, dkimRoute];
