import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { allServices, eventually, query, serviceById } from './services-helpers.js';

// End-to-end over HTTP: services.allServices with every field, StorageVolume.usages and
// SystemDomainInfo.requiredDnsRecords on the simulated host (spec §4.1.1, §4.7, §9, §11).

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('services.allServices', () => {
  it('refuses an anonymous caller', async () => {
    const res = await gql(server, '{ services { allServices { id } } }');

    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('lists the built-ins and the simulated catalogue, sorted by display name', async () => {
    const services = await allServices(server, 'id displayName');

    expect(services.map((s) => s.displayName)).toEqual([
      'Bitwarden', 'Forgejo', 'JitsiMeet', 'Mail Server', 'Nextcloud', 'OpenConnect VPN', 'Pleroma', 'Prometheus', 'Roundcube', 'Selfprivacy API',
    ]);
  });

  it('answers every field of a templated service (Nextcloud)', async () => {
    const nextcloud = await serviceById(server, 'nextcloud');

    expect(nextcloud).toMatchObject({
      displayName: 'Nextcloud',
      isMovable: true,
      isRequired: false,
      isEnabled: true,
      isInstalled: true,
      isSystemService: false,
      canBeBackedUp: true,
      status: 'ACTIVE',
      url: 'https://cloud.example.org',
      homepage: 'https://nextcloud.com/',
      supportLevel: 'NORMAL',
      backupSnapshots: [],
      license: [{ deprecated: false, free: true, fullName: 'GNU Affero General Public License v3.0 or later', redistributable: true,
        shortName: 'agpl3Plus', spdxId: 'AGPL-3.0-or-later', url: 'https://spdx.org/licenses/AGPL-3.0-or-later.html' }],
      dnsRecords: [
        { recordType: 'A', name: 'cloud', content: '203.0.113.10', ttl: 3600, priority: null, displayName: 'Nextcloud' },
        { recordType: 'AAAA', name: 'cloud', content: '2001:db8::10', ttl: 3600, priority: null, displayName: 'Nextcloud' },
      ],
      storageUsage: { title: 'Nextcloud', volume: { name: 'sdb', root: false }, service: { id: 'nextcloud' } },
    });
    expect(decode(nextcloud.svgIcon)).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>.*<\/svg>$/);
    expect(nextcloud.configuration).toEqual([
      { __typename: 'StringConfigItem', fieldId: 'subdomain', description: 'Subdomain', widget: 'subdomain', type: 'string',
        stringValue: 'cloud', stringDefault: 'cloud', regex: '[A-Za-z0-9][A-Za-z0-9\\-]{0,61}[A-Za-z0-9]' },
      { __typename: 'BoolConfigItem', fieldId: 'enableImagemagick', description: 'Enable ImageMagick', widget: 'switch', type: 'bool',
        boolValue: true, boolDefault: true },
      { __typename: 'BoolConfigItem', fieldId: 'enableSambaFeatures', description: 'Enable support for Samba/CIFS features',
        widget: 'switch', type: 'bool', boolValue: false, boolDefault: false },
    ]);
  });

  it('measures storage in the background: Nextcloud reports its 3.4 GiB once measured', async () => {
    const used = await eventually(async () => {
      const usage = (await serviceById(server, 'nextcloud', 'id storageUsage { usedSpace }')).storageUsage.usedSpace;
      return usage === '0' ? undefined : usage;
    });

    expect(used).toBe(String(Math.round(3.4 * 1024 ** 3)));
  });

  it('shows an enum item with its options (Forgejo theme) and a disabled service as INACTIVE', async () => {
    const [forgejo, pleroma] = await Promise.all([serviceById(server, 'gitea'), serviceById(server, 'pleroma')]);

    expect(forgejo.configuration.find((c: any) => c.fieldId === 'theme')).toEqual({
      __typename: 'EnumConfigItem', fieldId: 'theme', description: 'Default theme', widget: 'select', type: 'enum',
      enumValue: 'forgejo-auto', enumDefault: 'forgejo-auto',
      options: ['forgejo-auto', 'forgejo-light', 'forgejo-dark', 'gitea-auto', 'gitea-light', 'gitea-dark'],
    });
    expect(pleroma).toMatchObject({ isEnabled: false, status: 'INACTIVE', url: 'https://social.example.org', supportLevel: 'DEPRECATED' });
  });

  it('answers the built-ins as the reference does', async () => {
    const services = await allServices(server);
    const api = services.find((s) => s.id === 'selfprivacy-api');
    const mail = services.find((s) => s.id === 'simple-nixos-mailserver');
    const prometheus = services.find((s) => s.id === 'monitoring');

    expect(api).toMatchObject({ status: 'ACTIVE', url: 'https://api.example.org', isSystemService: true, isEnabled: true,
      configuration: null, license: [], supportLevel: 'NORMAL',
      dnsRecords: [
        { recordType: 'A', name: 'api', content: '203.0.113.10', ttl: 3600, priority: null, displayName: 'Selfprivacy API' },
        { recordType: 'AAAA', name: 'api', content: '2001:db8::10', ttl: 3600, priority: null, displayName: 'Selfprivacy API (IPv6)' },
      ] });
    expect(prometheus).toMatchObject({ status: 'ACTIVE', url: null, isSystemService: true, dnsRecords: [], isMovable: false });
    expect(mail).toMatchObject({ status: 'ACTIVE', isSystemService: false, isEnabled: true, isInstalled: true, url: null });
    expect(mail.dnsRecords.map((r: any) => [r.recordType, r.name, r.ttl, r.priority, r.displayName])).toEqual([
      ['A', 'example.org', 3600, null, 'Root Domain'],
      ['MX', 'example.org', 3600, 10, 'Mail server record'],
      ['TXT', '_dmarc', 18000, null, 'DMARC record'],
      ['TXT', 'example.org', 18000, null, 'SPF record'],
      ['TXT', 'selector._domainkey', 18000, null, 'DKIM key'],
      ['AAAA', 'example.org', 3600, null, 'Root Domain (IPv6)'],
    ]);
    expect(mail.dnsRecords[3].content).toBe('v=spf1 a mx ip4:203.0.113.10 -all');
    expect(mail.dnsRecords[4].content).toMatch(/^v=DKIM1; k=rsa; p=MIGf/);
  });
});

describe('StorageVolume.usages', () => {
  it('lists each service on the volume that holds its data', async () => {
    const data = await query(server, '{ storage { volumes { name usages { __typename title usedSpace ... on ServiceStorageUsage { service { id status } } } } } }');
    const byVolume = Object.fromEntries(data.storage.volumes.map((v: any) => [v.name, v.usages.map((u: any) => u.service.id)]));

    expect(byVolume.sdb).toEqual(['nextcloud']);
    expect(byVolume.sda1).toEqual(expect.arrayContaining(['simple-nixos-mailserver', 'selfprivacy-api', 'monitoring', 'gitea', 'bitwarden', 'jitsi-meet']));
    expect(byVolume.sda1).not.toContain('nextcloud');
    expect(data.storage.volumes[0].usages[0].__typename).toBe('ServiceStorageUsage');
  });
});

describe('SystemDomainInfo.requiredDnsRecords', () => {
  it('lists auth, CAA, then the records of every enabled service in list order', async () => {
    const data = await query(server, '{ system { domainInfo { requiredDnsRecords { recordType name content ttl priority displayName } } } }');
    const records = data.system.domainInfo.requiredDnsRecords;

    expect(records[0]).toEqual({ recordType: 'A', name: 'auth', content: '203.0.113.10', ttl: 3600, priority: null, displayName: 'Record for Kanidm' });
    expect(records[1]).toEqual({ recordType: 'CAA', name: 'example.org',
      content: '128 issue "letsencrypt.org;accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1234567890"', ttl: 3600, priority: null, displayName: 'CAA record' });
    expect(records.slice(2).map((r: any) => `${r.recordType} ${r.name}`)).toEqual([
      'A example.org', 'MX example.org', 'TXT _dmarc', 'TXT example.org', 'TXT selector._domainkey', 'AAAA example.org',
      'A api', 'AAAA api', 'A cloud', 'AAAA cloud', 'A git', 'AAAA git', 'A password', 'AAAA password',
    ]);
  });
});
