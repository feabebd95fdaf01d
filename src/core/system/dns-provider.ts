import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { DnsProviderName } from './system-settings.js';
import { SYSTEM_MESSAGES } from './system-messages.js';

export const EXTRA_DNS_SECRETS = ['tokenId', 'url', 'tenant', 'secondaryToken'] as const;
type ExtraSecret = (typeof EXTRA_DNS_SECRETS)[number];

/** The extra secrets each provider needs besides its API token. */
const NEEDED: Record<DnsProviderName, readonly ExtraSecret[]> = {
  CLOUDFLARE: [],
  DIGITALOCEAN: [],
  DESEC: [],
  PORKBUN: ['tokenId'],
};

export interface DnsProviderInput {
  provider: DnsProviderName;
  token: string;
  tokenId?: string | null;
  url?: string | null;
  tenant?: string | null;
  secondaryToken?: string | null;
}

/**
 * Switches the DNS provider: its credentials go to secrets.json (never to the world-readable userdata,
 * never to a log), the provider name to userdata `dns.provider`. Nothing is written when a check fails.
 */
export async function setDnsProvider(deps: Pick<Deps, 'userData' | 'secrets'>, input: DnsProviderInput): Promise<void> {
  const needed = NEEDED[input.provider];
  // "given" means non-empty, as in the reference
  const given = EXTRA_DNS_SECRETS.filter((name) => Boolean(input[name]));
  if (needed.some((name) => !given.includes(name))) {
    throw new CoreError('DNS_SECRETS_MISSING', SYSTEM_MESSAGES.dnsSecretsMissing(input.provider));
  }
  if (given.some((name) => !needed.includes(name))) {
    throw new CoreError('DNS_SECRETS_UNUSED', SYSTEM_MESSAGES.dnsSecretsUnused(input.provider));
  }
  await deps.secrets.update((secrets) => {
    const dns = (secrets.dns ??= {});
    dns.token = input.token;
    delete dns.apiKey; // the pre-2024 name of the token
    for (const name of EXTRA_DNS_SECRETS) {
      if (given.includes(name)) dns[name] = input[name] as string;
      else delete dns[name];
    }
  });
  await deps.userData.update((data) => {
    data.dns ??= {};
    data.dns.provider = input.provider;
  });
}
