import { type Database, openPglite, openPostgres } from '../../src/infra/db/database.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

export interface Backend {
  name: string;
  /** A fresh database; `url` (PostgreSQL only) lets a test open a second connection to it. */
  open(): Promise<Database & { url?: string; dispose(): Promise<void> }>;
}

const pglite: Backend = {
  name: 'PGlite',
  async open() {
    const database = await openPglite();
    return { ...database, dispose: () => database.close() };
  },
};

const postgresBackend: Backend = {
  name: 'PostgreSQL',
  async open() {
    const target = await createTestDatabase();
    const database = await openPostgres(target.url);
    return {
      ...database,
      url: target.url,
      async dispose() {
        await database.close();
        await target.drop();
      },
    };
  },
};

/** Every database the suites run on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set (CI). */
export const BACKENDS: Backend[] = TEST_DATABASE_URL ? [pglite, postgresBackend] : [pglite];
