import { registerEnumType } from 'type-graphql';

export enum DnsProvider {
  CLOUDFLARE = 'CLOUDFLARE',
  DIGITALOCEAN = 'DIGITALOCEAN',
  DESEC = 'DESEC',
  PORKBUN = 'PORKBUN',
}

registerEnumType(DnsProvider, { name: 'DnsProvider' });
