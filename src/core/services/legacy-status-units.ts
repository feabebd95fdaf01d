import type { ServiceDefinition } from './service-types.js';

// The 1.2.x `GET /services/status` keys and the systemd units each reports.

/** Each legacy key, the service whose units it reports (when known), and the unit to ask for otherwise. */
const LEGACY_STATUS_KEYS: readonly { key: string; service?: string; unitIndex?: number; fallback: string }[] = [
  // The mail server's dovecot and postfix units, one key each (1.2 named dovecot's unit dovecot2.service).
  { key: 'imap', service: 'simple-nixos-mailserver', unitIndex: 0, fallback: 'dovecot.service' },
  { key: 'smtp', service: 'simple-nixos-mailserver', unitIndex: 1, fallback: 'postfix.service' },
  { key: 'http', fallback: 'nginx.service' },
  // Templated services report their current units (Gitea runs as forgejo.service nowadays).
  { key: 'bitwarden', service: 'bitwarden', fallback: 'vaultwarden.service' },
  { key: 'gitea', service: 'gitea', fallback: 'gitea.service' },
  { key: 'nextcloud', service: 'nextcloud', fallback: 'phpfpm-nextcloud.service' },
  { key: 'ocserv', service: 'ocserv', fallback: 'ocserv.service' },
  { key: 'pleroma', service: 'pleroma', fallback: 'pleroma.service' },
];

/** Each legacy status key with the units whose `systemctl status` it reports. */
export function legacyStatusUnits(services: readonly ServiceDefinition[]): { key: string; units: string[] }[] {
  return LEGACY_STATUS_KEYS.map(({ key, service, unitIndex, fallback }) => {
    const units = services.find((s) => s.id === service)?.units;
    const chosen = units && (unitIndex === undefined ? units : units.slice(unitIndex, unitIndex + 1));
    return { key, units: chosen && chosen.length > 0 ? [...chosen] : [fallback] };
  });
}
