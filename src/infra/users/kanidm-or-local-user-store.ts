import type { Config } from '../../config.js';
import type { Clock, JsonDocumentStore, Logger, PasswordHasher, UserStore } from '../../core/ports.js';
import type { UserData } from '../../core/userdata/userdata-types.js';
import type { Db } from '../db/database.js';
import type { CommandRunner } from '../host/command-runner.js';
import { DrizzleIdentityRepository } from './drizzle-identity.repository.js';
import { KanidmAdminToken } from './kanidm-admin-token.js';
import { KanidmClient } from './kanidm-client.js';
import { DrizzleKanidmTokenCache } from './kanidm-token-cache.js';
import { regenerateKanidmToken } from './kanidm-token-regenerator.js';
import { KanidmUserStore } from './kanidm-user.store.js';
import { LocalUserStore } from './local-user.store.js';

export interface UserStoreParts {
  db: Db;
  userData: JsonDocumentStore<UserData>;
  clock: Clock;
  hasher: PasswordHasher;
  /** Runs the Kanidm CLI when a new admin token is needed. */
  runner: CommandRunner;
  logger?: Logger;
}

/** Kanidm when SP_KANIDM_URL is set or the host is NixOS (`https://auth.<domain>`), else the embedded store. */
export function openUserStore(config: Config, parts: UserStoreParts): UserStore {
  if (!config.kanidmUrl && config.hostKind !== 'nixos') {
    return new LocalUserStore(new DrizzleIdentityRepository(parts.db), parts.userData, parts.clock, { publicUrl: config.publicUrl }, parts.hasher);
  }
  const tokens = new KanidmAdminToken({
    cache: new DrizzleKanidmTokenCache(parts.db),
    tokenFile: config.kanidmAdminTokenFile,
    regenerate: () => regenerateKanidmToken(parts.runner),
    logger: parts.logger,
  });
  const baseUrl = () => kanidmBaseUrl(config, parts.userData);
  return new KanidmUserStore(new KanidmClient({ baseUrl, tokens }), parts.userData, parts.hasher);
}

/** SP_KANIDM_URL, else the reference's `https://auth.<domain>` (the domain read from the userdata each time). */
export async function kanidmBaseUrl(config: Pick<Config, 'kanidmUrl'>, userData: JsonDocumentStore<UserData>): Promise<string> {
  return config.kanidmUrl ?? `https://auth.${(await userData.read()).domain ?? 'localhost'}`;
}
