import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Database, openPglite, openPostgres } from '../../src/infra/db/database.js';
import { emailPasswords, groupUserMembers, identityUsers } from '../../src/infra/db/schema.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { gql, startTestServer } from '../support/test-server.js';
import { readUserdata } from './users-helpers.js';

// 200 createUser mutations at once over HTTP: every one must land in the userdata file and in the
// database (the file store serializes writers; the SQL runs inside each write).

const COUNT = 200;
const CREATE = `mutation($user: UserMutationInput!) { users { createUser(user: $user) { success code message } } }`;

interface Target {
  name: string;
  /** Starts a server; `inspect` opens its database after the server stopped. */
  start(): Promise<{ server: Awaited<ReturnType<typeof startTestServer>>; inspect(): Promise<Database>; drop(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PGlite',
    async start() {
      const server = await startTestServer();
      return { server, inspect: () => openPglite(join(server.dataDir, 'pgdata')), drop: async () => {} };
    },
  },
];
if (TEST_DATABASE_URL) {
  targets.push({
    name: 'PostgreSQL',
    async start() {
      const target = await createTestDatabase();
      const server = await startTestServer({ databaseUrl: target.url });
      return { server, inspect: () => openPostgres(target.url), drop: () => target.drop() };
    },
  });
}

describe.each(targets)('concurrent user creation on $name', (target) => {
  it(`creates ${COUNT} users concurrently without losing one`, { timeout: 120_000 }, async () => {
    const { server, inspect, drop } = await target.start();
    const names = Array.from({ length: COUNT }, (_, i) => `load_${i}`);
    let closed = false;
    try {
      const results = await Promise.all(
        names.map((username, i) =>
          gql(server, CREATE, { user: { username, displayName: `Load ${i}`, ...(i % 2 === 0 ? { password: `pw-${i}` } : {}) } }, server.token),
        ),
      );

      for (const res of results) expect(res.body.data.users.createUser).toMatchObject({ success: true, code: 201 });
      const inFile = (readUserdata(server).users ?? []).map((u) => u.username);
      expect(inFile.filter((n) => n.startsWith('load_')).sort()).toEqual([...names].sort());
      expect(new Set(inFile).size).toBe(inFile.length);
      const listed = await gql(server, '{ users { allUsers { username displayName directmemberof } } }', {}, server.token);
      expect(listed.body.data.users.allUsers).toHaveLength(COUNT + 2);
      expect(listed.body.data.users.allUsers).toContainEqual({ username: 'load_7', displayName: 'Load 7', directmemberof: ['sp.full_users'] });

      await server.close();
      closed = true;
      const database = await inspect();
      try {
        const rows = await database.db.select().from(identityUsers);
        expect(rows.filter((r) => r.username.startsWith('load_')).map((r) => r.username).sort()).toEqual([...names].sort());
        const memberships = await database.db.select().from(groupUserMembers);
        expect(memberships.filter((m) => m.username.startsWith('load_'))).toHaveLength(COUNT);
        expect(await database.db.select().from(emailPasswords)).toHaveLength(COUNT / 2);
      } finally {
        await database.close();
      }
    } finally {
      if (!closed) await server.close();
      await drop();
    }
  });
});
