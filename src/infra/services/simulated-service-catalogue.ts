import type { ServiceDefinitionDocument, ServiceDefinitionSource } from '../../core/ports.js';
import { ICONS } from './simulated-service-icons.js';

// The service modules the simulated server has installed, written as the definition files NixOS puts
// in /etc/sp-modules (§9.3 JSON: `meta` + `options`). Adding a service is adding one entry below; its
// units and folders must also exist in ../host/simulated-host-state.ts.

const SUBDOMAIN_REGEX = '[A-Za-z0-9][A-Za-z0-9\\-]{0,61}[A-Za-z0-9]';

const license = (shortName: string, spdxId: string, fullName: string) => ({
  deprecated: false,
  free: true,
  fullName,
  redistributable: true,
  shortName,
  spdxId,
  url: `https://spdx.org/licenses/${spdxId}.html`,
});

const LICENSES = {
  agpl3Plus: license('agpl3Plus', 'AGPL-3.0-or-later', 'GNU Affero General Public License v3.0 or later'),
  agpl3Only: license('agpl3Only', 'AGPL-3.0-only', 'GNU Affero General Public License v3.0 only'),
  gpl3Plus: license('gpl3Plus', 'GPL-3.0-or-later', 'GNU General Public License v3.0 or later'),
  gpl2Plus: license('gpl2Plus', 'GPL-2.0-or-later', 'GNU General Public License v2.0 or later'),
  asl20: license('asl20', 'Apache-2.0', 'Apache License 2.0'),
};

const option = (name: string, value: unknown, description: string, meta: Record<string, unknown>) => ({
  [name]: { name, default: value, description, meta },
});
const enable = (display: string) => option('enable', false, `Enable ${display}`, { type: 'enable' });
const location = () => option('location', null, 'Location', { type: 'location' });
const subdomain = (value: string) =>
  option('subdomain', value, 'Subdomain', { type: 'string', widget: 'subdomain', regex: SUBDOMAIN_REGEX, weight: 0 });
const bool = (name: string, value: boolean, description: string, weight = 50) => option(name, value, description, { type: 'bool', weight });

export const SIMULATED_SERVICE_CATALOGUE: Record<string, unknown>[] = [
  {
    meta: {
      id: 'nextcloud', name: 'Nextcloud', svgIcon: ICONS.cloud,
      description: 'Nextcloud is a cloud storage service that offers a web interface and a desktop client.',
      isMovable: true, canBeBackedUp: true, backupDescription: 'All the files and other data stored in Nextcloud.',
      systemdServices: ['phpfpm-nextcloud.service'], folders: ['/var/lib/nextcloud'], user: 'nextcloud',
      license: [LICENSES.agpl3Plus], homepage: 'https://nextcloud.com/', sourcePage: 'https://github.com/nextcloud', supportLevel: 'normal',
    },
    options: { ...enable('Nextcloud'), ...location(), ...subdomain('cloud'),
      ...bool('enableImagemagick', true, 'Enable ImageMagick', 1), ...bool('enableSambaFeatures', false, 'Enable support for Samba/CIFS features', 2) },
  },
  {
    meta: {
      id: 'gitea', name: 'Forgejo', svgIcon: ICONS.gitBranch, description: 'Forgejo is a Git forge.',
      isMovable: true, canBeBackedUp: true, backupDescription: 'Git repositories, database and user data.',
      systemdServices: ['forgejo.service'], folders: ['/var/lib/gitea'], user: 'gitea',
      license: [LICENSES.gpl3Plus], homepage: 'https://forgejo.org', sourcePage: 'https://codeberg.org/forgejo/forgejo', supportLevel: 'normal',
    },
    options: { ...enable('Forgejo'), ...location(), ...subdomain('git'),
      ...option('appName', 'SelfPrivacy git Service', 'The name displayed in the web interface', { type: 'string', weight: 1 }),
      ...bool('enableLfs', true, 'Enable Git LFS', 2),
      ...option('theme', 'forgejo-auto', 'Default theme', { type: 'enum', weight: 3,
        options: ['forgejo-auto', 'forgejo-light', 'forgejo-dark', 'gitea-auto', 'gitea-light', 'gitea-dark'] }),
      ...bool('disableRegistration', false, 'Disable registration of new users', 4) },
  },
  {
    meta: {
      id: 'bitwarden', name: 'Bitwarden', svgIcon: ICONS.vault, description: 'Bitwarden is a password manager.',
      isMovable: true, canBeBackedUp: true, backupDescription: 'Password database, encryption certificate and attachments.',
      systemdServices: ['vaultwarden.service'], folders: ['/var/lib/bitwarden_rs'], user: 'vaultwarden',
      license: [LICENSES.agpl3Only], homepage: 'https://github.com/dani-garcia/vaultwarden',
      sourcePage: 'https://github.com/dani-garcia/vaultwarden', supportLevel: 'normal',
    },
    options: { ...enable('Vaultwarden'), ...location(), ...subdomain('password'),
      ...bool('signupsAllowed', true, 'Allow new user signups', 1), ...bool('sendsAllowed', true, 'Allow users to use Bitwarden Send', 2) },
  },
  {
    meta: {
      id: 'jitsi-meet', name: 'JitsiMeet', svgIcon: ICONS.camera, description: 'Jitsi Meet is a free and open-source video conferencing solution.',
      isMovable: false, canBeBackedUp: true, backupDescription: 'Secrets that are used to encrypt the communication.',
      systemdServices: ['jitsi-videobridge2.service', 'jicofo.service', 'prosody.service'], folders: ['/var/lib/jitsi-meet'], user: 'jitsi-meet',
      license: [LICENSES.asl20], homepage: 'https://jitsi.org/meet', sourcePage: 'https://github.com/jitsi/jitsi-meet', supportLevel: 'normal',
    },
    options: { ...enable('JitsiMeet'), ...subdomain('meet'),
      ...option('appName', 'Jitsi Meet', 'The name displayed in the web interface', { type: 'string', weight: 1 }) },
  },
  {
    meta: {
      id: 'pleroma', name: 'Pleroma', svgIcon: ICONS.speech, description: 'Pleroma is a microblogging service that offers a web interface and a desktop client.',
      isMovable: true, canBeBackedUp: true, backupDescription: 'Your Pleroma accounts, posts and media.',
      systemdServices: ['pleroma.service'], folders: ['/var/lib/pleroma'], postgreDatabases: ['pleroma'], user: 'pleroma',
      license: [LICENSES.agpl3Only], homepage: 'https://pleroma.social/', sourcePage: 'https://git.pleroma.social/pleroma/pleroma', supportLevel: 'deprecated',
    },
    options: { ...enable('Pleroma'), ...location(), ...subdomain('social') },
  },
  {
    meta: {
      id: 'ocserv', name: 'OpenConnect VPN', svgIcon: ICONS.shieldLock, description: 'OpenConnect VPN to connect your devices and access the internet.',
      isMovable: false, canBeBackedUp: false, backupDescription: 'Backups are not available for OpenConnect VPN.',
      systemdServices: ['ocserv.service'],
      license: [LICENSES.gpl2Plus], homepage: 'https://gitlab.com/openconnect/ocserv', sourcePage: 'https://gitlab.com/openconnect/ocserv', supportLevel: 'deprecated',
    },
    options: { ...enable('OpenConnect VPN'), ...subdomain('vpn') },
  },
  {
    meta: {
      id: 'roundcube', name: 'Roundcube', svgIcon: ICONS.webmail, description: 'Roundcube is an open source webmail software.',
      isMovable: false, canBeBackedUp: false, backupDescription: 'Nothing to backup, your data is stored on the mail server.',
      systemdServices: ['phpfpm-roundcube.service'],
      license: [LICENSES.gpl3Plus], homepage: 'https://roundcube.net/', sourcePage: 'https://github.com/roundcube/roundcubemail', supportLevel: 'normal',
    },
    options: { ...enable('Roundcube'), ...subdomain('roundcube'),
      ...option('maxAttachmentSize', '25M', 'Largest attachment (a number with an optional K, M or G suffix)',
        { type: 'string', regex: '[0-9]+[KMG]?$', weight: 1 }) },
  },
];

/** The simulated server's installed service modules; every one counts as installed (its flake input exists). */
export class SimulatedServiceCatalogue implements ServiceDefinitionSource {
  // One copy, handed out on every load: the registry parses each document once (by identity).
  private readonly documents: readonly ServiceDefinitionDocument[] = SIMULATED_SERVICE_CATALOGUE.map((document) => ({
    origin: `simulated catalogue: ${String((document.meta as { id: string }).id)}`,
    document: deepFreeze(structuredClone(document)),
  }));

  async load(): Promise<ServiceDefinitionDocument[]> {
    return [...this.documents];
  }

  async installedIds(): Promise<ReadonlySet<string> | undefined> {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
