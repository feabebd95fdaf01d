import { describe, expect, it } from 'vitest';
import { servicesDeps } from '../../../test/fakes/services-deps.js';
import { dkimValue, requiredDnsRecords, serviceDnsRecords } from './service-dns.js';
import { ServicesSnapshot } from './service-snapshot.js';

const DKIM_FILE = 'selector._domainkey\tIN\tTXT\t( "v=DKIM1; k=rsa; "\n\t  "p=MIGfMA0GCSqGSIb3"  "DQEBAQUAA4GNADCBiQ" ) ; ----- DKIM key selector for example.org\n';

describe('dkimValue', () => {
  it('takes the text between the parentheses without quotes, tabs and newlines, whitespace collapsed', () => {
    expect(dkimValue(DKIM_FILE)).toBe('v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3 DQEBAQUAA4GNADCBiQ');
  });
});

describe('serviceDnsRecords', () => {
  it('gives the mail server no records at all without a DKIM file (quirk 11)', async () => {
    const deps = servicesDeps();
    const snapshot = new ServicesSnapshot(deps);

    expect(await serviceDnsRecords(snapshot, (await snapshot.find('simple-nixos-mailserver'))!)).toEqual([]);
  });

  it('gives a templated service A records for its subdomains, and AAAA only with an IPv6 address', async () => {
    const deps = servicesDeps();
    deps.userData.document.modules!.nextcloud!.subdomain = 'files';
    const snapshot = new ServicesSnapshot(deps);

    const records = await serviceDnsRecords(snapshot, (await snapshot.find('nextcloud'))!);

    expect(records).toEqual([{ recordType: 'A', name: 'files', content: '192.0.2.1', ttl: 3600, priority: null, displayName: 'Nextcloud' }]);
  });
});

describe('requiredDnsRecords', () => {
  it('lists auth, CAA, then every enabled service in list order (mail with DKIM, IPv6 records)', async () => {
    const deps = servicesDeps();
    deps.host.dkim = DKIM_FILE;
    deps.host.acmeUri = 'https://acme/acct/42';
    deps.host.addresses = { ipv4: '192.0.2.1', ipv6: '2001:db8::1' };

    const records = await requiredDnsRecords(deps);

    expect(records.map((r) => [r.recordType, r.name, r.content, r.ttl, r.priority, r.displayName])).toEqual([
      ['A', 'auth', '192.0.2.1', 3600, null, 'Record for Kanidm'],
      ['CAA', 'example.org', '128 issue "letsencrypt.org;accounturi=https://acme/acct/42"', 3600, null, 'CAA record'],
      ['A', 'example.org', '192.0.2.1', 3600, null, 'Root Domain'],
      ['MX', 'example.org', 'example.org', 3600, 10, 'Mail server record'],
      ['TXT', '_dmarc', 'v=DMARC1; p=none', 18000, null, 'DMARC record'],
      ['TXT', 'example.org', 'v=spf1 a mx ip4:192.0.2.1 -all', 18000, null, 'SPF record'],
      ['TXT', 'selector._domainkey', 'v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3 DQEBAQUAA4GNADCBiQ', 18000, null, 'DKIM key'],
      ['AAAA', 'example.org', '2001:db8::1', 3600, null, 'Root Domain (IPv6)'],
      ['A', 'api', '192.0.2.1', 3600, null, 'Selfprivacy API'],
      ['AAAA', 'api', '2001:db8::1', 3600, null, 'Selfprivacy API (IPv6)'],
      ['A', 'cloud', '192.0.2.1', 3600, null, 'Nextcloud'],
      ['AAAA', 'cloud', '2001:db8::1', 3600, null, 'Nextcloud'],
      ['A', 'git', '192.0.2.1', 3600, null, 'Forgejo'],
      ['AAAA', 'git', '2001:db8::1', 3600, null, 'Forgejo'],
      ['A', 'password', '192.0.2.1', 3600, null, 'Bitwarden'],
      ['AAAA', 'password', '2001:db8::1', 3600, null, 'Bitwarden'],
    ]);
    expect(deps.host.calls.filter((c) => c === 'networkAddresses')).toHaveLength(1);
  });

  it('omits the CAA record without an ACME account and skips disabled services', async () => {
    const deps = servicesDeps();
    deps.userData.document.modules!.gitea!.enable = false;

    const records = await requiredDnsRecords(deps);

    expect(records.map((r) => `${r.recordType} ${r.name}`)).toEqual(['A auth', 'A api', 'A cloud', 'A password']);
  });
});
