import type { NetworkAddresses } from '../host/host-types.js';
import type { UserData } from '../userdata/userdata-types.js';
import type { Deps } from '../ports.js';
import { isServiceEnabled, optionValue, subdomainOptions } from './service-fields.js';
import { ServicesSnapshot } from './service-snapshot.js';
import type { DnsRecord, ServiceDefinition } from './service-types.js';

const TTL = 3600;
const MAIL_TXT_TTL = 18000;

const record = (recordType: string, name: string, content: string, displayName: string, ttl = TTL, priority: number | null = null): DnsRecord => ({
  recordType,
  name,
  content,
  ttl,
  priority,
  displayName,
});

/** The DKIM key inside the record file: between the first `(` and the next `)`, quotes dropped, whitespace collapsed. */
export function dkimValue(file: string): string {
  const open = file.indexOf('(');
  const close = file.indexOf(')', open + 1);
  const inner = open === -1 ? '' : file.slice(open + 1, close === -1 ? undefined : close);
  return inner.replaceAll('"', '').trim().replace(/[\n\t]/g, '').replace(/\s+/g, ' ');
}

function addressRecords(name: string, ip: NetworkAddresses, displayName: string, ipv6DisplayName = displayName): DnsRecord[] {
  const records = [record('A', name, ip.ipv4, displayName)];
  if (ip.ipv6) records.push(record('AAAA', name, ip.ipv6, ipv6DisplayName));
  return records;
}

/** The DNS records one service needs (§9.5); the mail server has none without a DKIM file. */
export async function serviceDnsRecords(snapshot: ServicesSnapshot, service: ServiceDefinition): Promise<DnsRecord[]> {
  const [userData, ip] = await Promise.all([snapshot.userData(), snapshot.addresses()]);
  const dkim = service.kind === 'mail' ? await snapshot.dkimRecord(userData.domain ?? '') : undefined;
  return dnsRecordsOf(service, userData, ip, dkim);
}

/** serviceDnsRecords from facts already read (`dkim`: the domain's DKIM record file, read for the mail server). */
export function dnsRecordsOf(service: ServiceDefinition, userData: UserData, ip: NetworkAddresses, dkim: string | undefined): DnsRecord[] {
  const domain = userData.domain ?? '';
  switch (service.kind) {
    case 'api':
      return addressRecords('api', ip, 'Selfprivacy API', 'Selfprivacy API (IPv6)');
    case 'monitoring':
      return [];
    case 'mail': {
      if (dkim === undefined) return [];
      const records = [
        record('A', domain, ip.ipv4, 'Root Domain'),
        record('MX', domain, domain, 'Mail server record', TTL, 10),
        record('TXT', '_dmarc', 'v=DMARC1; p=none', 'DMARC record', MAIL_TXT_TTL),
        record('TXT', domain, `v=spf1 a mx ip4:${ip.ipv4} -all`, 'SPF record', MAIL_TXT_TTL),
        record('TXT', 'selector._domainkey', dkimValue(dkim), 'DKIM key', MAIL_TXT_TTL),
      ];
      if (ip.ipv6) records.push(record('AAAA', domain, ip.ipv6, 'Root Domain (IPv6)'));
      return records;
    }
    case 'templated':
      return subdomainOptions(service).flatMap((option) => {
        const value = optionValue(userData, service, option);
        return typeof value === 'string' && value !== '' ? addressRecords(value, ip, service.displayName) : [];
      });
  }
}

/**
 * Every record the domain needs (§4.1.1): `auth` for Kanidm, the CAA record pinning Let's Encrypt to
 * this server's ACME account (omitted without one), then each enabled service's records in list order.
 */
export async function requiredDnsRecords(
  deps: Pick<Deps, 'userData' | 'host' | 'serviceDefinitions' | 'serviceMonitor' | 'logger'>,
  snapshot = new ServicesSnapshot(deps),
): Promise<DnsRecord[]> {
  const [userData, ip, accountUri, services] = await Promise.all([
    snapshot.userData(),
    snapshot.addresses(),
    deps.host.acmeAccountUri(),
    snapshot.services(),
  ]);
  const records = [record('A', 'auth', ip.ipv4, 'Record for Kanidm')];
  if (accountUri) {
    records.push(record('CAA', userData.domain ?? '', `128 issue "letsencrypt.org;accounturi=${accountUri}"`, 'CAA record'));
  }
  for (const service of services) {
    if (isServiceEnabled(service, userData)) records.push(...(await serviceDnsRecords(snapshot, service)));
  }
  return records;
}
