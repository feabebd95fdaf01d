import type { EmailPasswordRepository, UserStore } from '../../src/core/ports.js';
import type { EmailPassword } from '../../src/core/users/user-types.js';

const unavailable = (what: string) => () => {
  throw new Error(`UserStore.${what} called in a test that did not set up a user store`);
};

/** A user store with nobody in it; any change fails the test loudly. */
export class IdleUserStore implements UserStore {
  list = async () => [];
  get = async () => undefined;
  listGroups = async () => [];
  checkPasswordResetLink = async () => undefined;
  create = unavailable('create');
  delete = unavailable('delete');
  setDisplayName = unavailable('setDisplayName');
  setPassword = unavailable('setPassword');
  addToGroups = unavailable('addToGroups');
  removeFromGroups = unavailable('removeFromGroups');
  ensureGroup = unavailable('ensureGroup');
  createPasswordResetLink = unavailable('createPasswordResetLink');
  resetPasswordWithLink = unavailable('resetPasswordWithLink');
}

/** E-mail passwords in memory. */
export class InMemoryEmailPasswordRepository implements EmailPasswordRepository {
  readonly rows: EmailPassword[] = [];
  async list(username: string, now: Date) {
    return this.rows
      .filter((r) => r.username === username && (r.expiresAt === null || r.expiresAt > now))
      .map(({ uuid, displayName, createdAt, expiresAt, lastUsed }) => ({ uuid, displayName, createdAt, expiresAt, lastUsed }));
  }
  async add(entry: EmailPassword) {
    this.rows.push({ ...entry });
  }
  async hashes(username: string, now: Date) {
    return this.rows
      .filter((r) => r.username === username && (r.expiresAt === null || r.expiresAt > now))
      .map(({ uuid, passwordHash }) => ({ uuid, passwordHash }));
  }
  async markUsed(username: string, uuid: string, at: Date) {
    const row = this.rows.find((r) => r.username === username && r.uuid === uuid);
    if (row) row.lastUsed = at;
  }
  async delete(username: string, uuid: string) {
    const index = this.rows.findIndex((r) => r.username === username && r.uuid === uuid);
    if (index >= 0) this.rows.splice(index, 1);
  }
  async deleteAll(username: string) {
    for (let i = this.rows.length - 1; i >= 0; i--) if (this.rows[i]!.username === username) this.rows.splice(i, 1);
  }
}
