import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, writePgliteTemplate } from '../../src/infra/db/database.js';
import { deviceTokens } from '../../src/infra/db/schema.js';

// The build's ready-made embedded database: a first start copies it instead of running initdb.

let dir: string;
let template: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sp-pglite-template-'));
  template = join(dir, 'template');
  await writePgliteTemplate(template);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a new embedded database from the template', () => {
  it('is owner-only, so its copies are too', () => {
    expect(statSync(template).mode & 0o777).toBe(0o700);
    expect(statSync(join(template, 'PG_VERSION')).mode & 0o777).toBe(0o600);
  });

  it('starts migrated, keeps what is written, and leaves the template as it was', async () => {
    const pgdata = join(dir, 'fresh', 'pgdata');
    const first = await openPglite(pgdata, { template });
    const applied = (await first.db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`)) as unknown as { rows: { count: number }[] };
    const migrations = readdirSync(new URL('../../drizzle', import.meta.url)).filter((f) => f.endsWith('.sql'));
    expect(applied.rows[0]!.count).toBe(migrations.length);
    await first.db.insert(deviceTokens).values({ name: 'laptop', tokenHash: 'h', createdAt: new Date() });
    await first.close();

    const again = await openPglite(pgdata, { template });
    expect((await again.db.select().from(deviceTokens)).map((t) => t.name)).toEqual(['laptop']);
    await again.close();
    const pristine = await openPglite(join(dir, 'other', 'pgdata'), { template });
    expect(await pristine.db.select().from(deviceTokens)).toEqual([]);
    await pristine.close();
  });

  it('is not copied over a folder that holds anything (initdb, as before, decides what to do with it)', async () => {
    const pgdata = join(dir, 'occupied');
    mkdirSync(pgdata);
    writeFileSync(join(pgdata, 'notes.txt'), 'mine');
    const database = await openPglite(pgdata, { template });
    await database.close();
    expect(readdirSync(pgdata)).toContain('notes.txt');
  });
});
