import type { ServiceDefinition } from './service-types.js';

// The three services the API itself knows (§9.1), in list order. Their behaviour differs from
// templated services in enable/disable, status and DNS records (see `kind`).

const svg = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

const common = {
  showUrl: true,
  primarySubdomain: null,
  isRequired: true,
  options: [],
  license: [],
  homepage: null,
  sourcePage: null,
  supportLevel: 'NORMAL',
  postgresDatabases: [],
} as const satisfies Partial<ServiceDefinition>;

export const MAIL_SERVER: ServiceDefinition = {
  ...common,
  kind: 'mail',
  id: 'simple-nixos-mailserver',
  displayName: 'Mail Server',
  description: 'E-Mail for company and family.',
  svgIcon: svg('<rect x="2" y="4" width="20" height="16" rx="2"/><path d="m2 7 10 6 10-6"/>'),
  isMovable: true,
  canBeBackedUp: true,
  backupDescription: 'Mail boxes and filters.',
  units: ['dovecot.service', 'postfix.service'],
  folders: [
    { path: '/var/vmail', owner: 'virtualMail', group: 'virtualMail' },
    { path: '/var/sieve', owner: 'virtualMail', group: 'virtualMail' },
  ],
  backupFolders: ['/var/vmail', '/var/sieve'],
  hasLocationOption: true,
};

export const SELFPRIVACY_API: ServiceDefinition = {
  ...common,
  kind: 'api',
  id: 'selfprivacy-api',
  displayName: 'Selfprivacy API',
  description: 'Enables communication between the SelfPrivacy app and the server.',
  svgIcon: svg('<rect x="3" y="3" width="18" height="7" rx="1"/><rect x="3" y="14" width="18" height="7" rx="1"/><path d="M7 6.5h.01M7 17.5h.01"/>'),
  isMovable: false,
  canBeBackedUp: true,
  backupDescription: 'General server settings.',
  units: [],
  folders: [{ path: '/etc/selfprivacy/dump', owner: 'root', group: 'root' }],
  backupFolders: ['/etc/selfprivacy/dump'],
  hasLocationOption: false,
};

export const MONITORING: ServiceDefinition = {
  ...common,
  kind: 'monitoring',
  id: 'monitoring',
  displayName: 'Prometheus',
  description: 'Prometheus is used for resource monitoring and alerts.',
  svgIcon: svg('<path d="M3 3v18h18"/><path d="m7 15 4-4 3 3 5-6"/>'),
  isMovable: false,
  canBeBackedUp: false,
  backupDescription: 'Backups are not available for Prometheus.',
  units: ['prometheus.service'],
  folders: [{ path: '/var/lib/prometheus', owner: 'prometheus', group: 'prometheus' }],
  backupFolders: [],
  hasLocationOption: false,
};

export const BUILTIN_SERVICES: readonly ServiceDefinition[] = [MAIL_SERVER, SELFPRIVACY_API, MONITORING];

/** Default subdomains of services from before subdomains were configurable (only the collision check uses them, §9.1). */
export const LEGACY_DEFAULT_SUBDOMAINS: Readonly<Record<string, string>> = {
  bitwarden: 'password',
  gitea: 'git',
  'jitsi-meet': 'meet',
  'simple-nixos-mailserver': '',
  nextcloud: 'cloud',
  ocserv: 'vpn',
  pleroma: 'social',
  roundcube: 'roundcube',
  testservice: 'test',
  monitoring: '',
};
