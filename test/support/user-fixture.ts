import type { Deps } from '../../src/core/ports.js';
import type { UserData } from '../../src/core/userdata/userdata-types.js';
import type { Database } from '../../src/infra/db/database.js';
import { DrizzleEmailPasswordRepository } from '../../src/infra/db/drizzle-email-password.repository.js';
import { sampleUserData } from '../../src/infra/host/sample-userdata.js';
import { MemoryAttemptLimiter } from '../../src/infra/runtime/attempt-limiter.js';
import { DrizzleIdentityRepository } from '../../src/infra/users/drizzle-identity.repository.js';
import { Argon2EmailPasswordHasher } from '../../src/infra/users/email-password-hasher.js';
import { LocalUserStore } from '../../src/infra/users/local-user.store.js';
import { WorkerPasswordHasher } from '../../src/infra/users/worker-password-hasher.js';
import { FixedClock } from '../fakes/fake-deps.js';
import { InMemoryDocumentStore } from '../fakes/in-memory-document-store.js';

export type UserDeps = Pick<Deps, 'users' | 'userData' | 'emailPasswords' | 'clock' | 'passwordHasher' | 'emailPasswordHasher' | 'attempts'>;

export interface UserFixture {
  deps: UserDeps;
  userData: InMemoryDocumentStore<UserData>;
  clock: FixedClock;
  identity: DrizzleIdentityRepository;
  store: LocalUserStore;
}

/** The real user store on `database` over an in-memory userdata document (the sample server's unless given). */
export function userFixture(
  database: Pick<Database, 'db'>,
  options: { userData?: UserData; publicUrl?: string } = {},
): UserFixture {
  const userData = new InMemoryDocumentStore<UserData>(options.userData ?? sampleUserData());
  const clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
  const identity = new DrizzleIdentityRepository(database.db);
  const passwordHasher = new WorkerPasswordHasher();
  const store = new LocalUserStore(identity, userData, clock, { publicUrl: options.publicUrl }, passwordHasher);
  const deps = {
    users: store,
    userData,
    emailPasswords: new DrizzleEmailPasswordRepository(database.db),
    clock,
    passwordHasher,
    emailPasswordHasher: new Argon2EmailPasswordHasher(passwordHasher),
    attempts: new MemoryAttemptLimiter(1000, 60),
  };
  return { deps, userData, clock, identity, store };
}

/** Empties the user tables between tests sharing one database. */
export async function clearUserTables(database: Pick<Database, 'db'>): Promise<void> {
  for (const table of ['email_passwords', 'password_reset_links', 'group_group_members', 'group_user_members', 'identity_groups', 'identity_users']) {
    await database.db.execute(`delete from ${table}`);
  }
}
