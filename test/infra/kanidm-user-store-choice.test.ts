import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { UserData } from '../../src/core/userdata/userdata-types.js';
import { openPglite } from '../../src/infra/db/database.js';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { kanidmBaseUrl, openUserStore } from '../../src/infra/users/kanidm-or-local-user-store.js';
import { KanidmUserStore } from '../../src/infra/users/kanidm-user.store.js';
import { LocalUserStore } from '../../src/infra/users/local-user.store.js';
import { InMemoryDocumentStore } from '../fakes/in-memory-document-store.js';

// Which user store a configuration gets (SP_KANIDM_URL, SP_HOST) and where Kanidm is looked for.

const userData = new InMemoryDocumentStore<UserData>({ domain: 'example.org', username: 'alice' });

describe('Kanidm settings', () => {
  it('reads SP_KANIDM_URL (trailing slash dropped) and KANIDM_ADMIN_TOKEN_FILE (made absolute)', () => {
    const config = loadConfig({ SP_HOST: 'simulated', SP_KANIDM_URL: 'https://id.example.net/', KANIDM_ADMIN_TOKEN_FILE: 'secrets/kanidm-token' });

    expect(config.kanidmUrl).toBe('https://id.example.net');
    expect(config.kanidmAdminTokenFile).toMatch(/^\/.*\/secrets\/kanidm-token$/);
  });

  it('refuses an SP_KANIDM_URL that is not an http(s) URL', () => {
    expect(() => loadConfig({ SP_HOST: 'simulated', SP_KANIDM_URL: 'auth.example.org' })).toThrow(ConfigError);
    expect(() => loadConfig({ SP_HOST: 'simulated', SP_KANIDM_URL: 'ftp://auth.example.org' })).toThrow('SP_KANIDM_URL must be an http(s) URL');
  });

  it('defaults to https://auth.<domain> from the userdata, or the URL given', async () => {
    expect(await kanidmBaseUrl({}, userData)).toBe('https://auth.example.org');
    expect(await kanidmBaseUrl({ kanidmUrl: 'http://127.0.0.1:8443' }, userData)).toBe('http://127.0.0.1:8443');
  });

  it('uses Kanidm on NixOS or when SP_KANIDM_URL is set, the embedded store on a plain simulated host', async () => {
    const database = await openPglite();
    const parts = { db: database.db, userData, clock: { now: () => new Date(), sleep: async () => undefined }, hasher: { hash: async () => 'x' }, runner: new CommandRunner() };
    try {
      expect(openUserStore(loadConfig({ SP_HOST: 'nixos' }), parts)).toBeInstanceOf(KanidmUserStore);
      expect(openUserStore(loadConfig({ SP_HOST: 'simulated', SP_KANIDM_URL: 'http://127.0.0.1:1' }), parts)).toBeInstanceOf(KanidmUserStore);
      expect(openUserStore(loadConfig({ SP_HOST: 'simulated' }), parts)).toBeInstanceOf(LocalUserStore);
    } finally {
      await database.close();
    }
  });
});
