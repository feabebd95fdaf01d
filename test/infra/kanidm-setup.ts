import type { UserData } from '../../src/core/userdata/userdata-types.js';
import type { CommandRunner } from '../../src/infra/host/command-runner.js';
import { KanidmAdminToken } from '../../src/infra/users/kanidm-admin-token.js';
import { KanidmClient } from '../../src/infra/users/kanidm-client.js';
import type { KanidmTokenCache } from '../../src/infra/users/kanidm-token-cache.js';
import { regenerateKanidmToken } from '../../src/infra/users/kanidm-token-regenerator.js';
import { KanidmUserStore } from '../../src/infra/users/kanidm-user.store.js';
import { InMemoryDocumentStore } from '../fakes/in-memory-document-store.js';
import { FakeKanidm } from '../support/fake-kanidm.js';

export class MemoryTokenCache implements KanidmTokenCache {
  constructor(public token?: string) {}
  async read() {
    return this.token;
  }
  async write(token: string) {
    this.token = token;
  }
  async clear() {
    this.token = undefined;
  }
}

export interface KanidmSetup {
  kanidm: FakeKanidm;
  store: KanidmUserStore;
  cache: MemoryTokenCache;
  userData: InMemoryDocumentStore<UserData>;
}

/** A store on a fake Kanidm with alice (sp.admins, sp.full_users) and bob (sp.full_users); `good-token` is accepted and cached. */
export async function kanidmSetup(options: { tokenFile?: string; runner?: CommandRunner; timeoutMs?: number; cached?: string } = {}): Promise<KanidmSetup> {
  const kanidm = new FakeKanidm();
  await kanidm.start();
  kanidm.tokens.add('good-token');
  kanidm.addGroup('sp.full_users');
  kanidm.addGroup('sp.admins');
  kanidm.addPerson('alice', ['sp.admins', 'sp.full_users'], 'Alice A');
  kanidm.addPerson('bob', ['sp.full_users']);
  const cache = new MemoryTokenCache(options.cached ?? 'good-token');
  const userData = new InMemoryDocumentStore<UserData>({ domain: 'example.org', username: 'alice', users: [{ username: 'bob', sshKeys: [] }] });
  const tokens = new KanidmAdminToken({
    cache,
    tokenFile: options.tokenFile,
    regenerate: () => (options.runner ? regenerateKanidmToken(options.runner) : Promise.reject(new Error('no regeneration in this test'))),
  });
  const client = new KanidmClient({ baseUrl: async () => kanidm.url, tokens, timeoutMs: options.timeoutMs });
  const store = new KanidmUserStore(client, userData, { hash: async (p: string) => `hashed:${p}` });
  return { kanidm, store, cache, userData };
}
