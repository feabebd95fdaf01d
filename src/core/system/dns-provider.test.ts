import { describe, expect, it } from 'vitest';
import { InMemoryDocumentStore } from '../../../test/fakes/in-memory-document-store.js';
import type { Secrets, UserData } from '../userdata/userdata-types.js';
import { setDnsProvider } from './dns-provider.js';

function setup(secrets: Secrets = {}, userData: UserData = { domain: 'example.org', dns: { provider: 'CLOUDFLARE', useStagingACME: false } }) {
  return { userData: new InMemoryDocumentStore<UserData>(userData), secrets: new InMemoryDocumentStore<Secrets>(secrets) };
}

describe('setDnsProvider', () => {
  it('stores the token in secrets.json, drops the legacy apiKey and stale extras, and names the provider in userdata', async () => {
    const deps = setup({ dns: { apiKey: 'old', tokenId: 'stale', url: 'https://old' }, api: { skippedMigrations: [] } });

    await setDnsProvider(deps, { provider: 'DESEC', token: 'desec-token' });

    expect(deps.secrets.document).toEqual({ dns: { token: 'desec-token' }, api: { skippedMigrations: [] } });
    expect(deps.userData.document).toEqual({ domain: 'example.org', dns: { provider: 'DESEC', useStagingACME: false } });
    expect(JSON.stringify(deps.userData.document)).not.toContain('desec-token');
  });

  it('stores the extra secret a provider needs (Porkbun: tokenId), creating the sections', async () => {
    const deps = setup({}, {});

    await setDnsProvider(deps, { provider: 'PORKBUN', token: 'pk1_abc', tokenId: 'sk1_def', url: null, tenant: '' });

    expect(deps.secrets.document).toEqual({ dns: { token: 'pk1_abc', tokenId: 'sk1_def' } });
    expect(deps.userData.document).toEqual({ dns: { provider: 'PORKBUN' } });
  });

  it('rejects a missing needed secret (an empty string is missing) and writes nothing', async () => {
    const deps = setup({ dns: { token: 'kept' } });

    for (const tokenId of [undefined, null, '']) {
      await expect(setDnsProvider(deps, { provider: 'PORKBUN', token: 't', tokenId })).rejects.toMatchObject({
        code: 'DNS_SECRETS_MISSING',
        status: 400,
        message: 'The provider PORKBUN requires additional secrets, but they were not provided.',
      });
    }
    expect(deps.secrets.writes).toBe(0);
    expect(deps.userData.writes).toBe(0);
  });

  it('rejects an extra secret the provider does not use and writes nothing', async () => {
    const deps = setup();

    await expect(setDnsProvider(deps, { provider: 'CLOUDFLARE', token: 't', secondaryToken: 'x' })).rejects.toMatchObject({
      code: 'DNS_SECRETS_UNUSED',
      status: 400,
      message: 'The provider CLOUDFLARE does not use the provided additional secrets.',
    });
    await expect(setDnsProvider(deps, { provider: 'PORKBUN', token: 't', tokenId: 'i', url: 'https://x' })).rejects.toMatchObject({
      message: 'The provider PORKBUN does not use the provided additional secrets.',
    });
    expect(deps.secrets.writes + deps.userData.writes).toBe(0);
  });
});
