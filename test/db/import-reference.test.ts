import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromMnemonic, hashSecret, toMnemonic } from '../../src/core/auth/secrets.js';
import { importReference } from '../../src/core/migration/import-reference.js';
import type { ReferenceRecords } from '../../src/core/migration/reference-source.js';
import { DrizzleAuthKeyRepository } from '../../src/infra/db/drizzle-auth-key.repository.js';
import { DrizzleBackupStateRepository } from '../../src/infra/db/drizzle-backup-state.repository.js';
import { DrizzleEmailPasswordRepository } from '../../src/infra/db/drizzle-email-password.repository.js';
import { DrizzleReferenceImportLedger } from '../../src/infra/db/drizzle-reference-import-ledger.js';
import { DrizzleTokenRepository } from '../../src/infra/db/drizzle-token.repository.js';
import { FixedClock } from '../fakes/fake-deps.js';
import { BACKENDS } from './backends.js';

// The import on the real repositories: idempotent under the database's unique names and keys, the recovery
// phrase spent through the repository's own atomic update, the encryption key read without generating one.

const NOW = new Date('2026-03-01T12:00:00Z');
const RECOVERY_BYTES = new Uint8Array(Buffer.from('5a'.repeat(24), 'hex'));

const records: ReferenceRecords = {
  deviceTokens: [
    { token: 'T'.repeat(43), device_name: 'phone', created_at: '2024-05-01T08:30:15.123456' },
    { token: 'U'.repeat(43), device_name: 'initial', created_at: '2024-06-01T08:00:00' },
  ],
  recoveryKey: { key: Buffer.from(RECOVERY_BYTES).toString('hex'), created_at: '2024-05-01T06:00:00+00:00', expires_at: 'None', uses_left: '1' },
  emailPasswords: [
    { username: 'alice', uuid: 'e-1', fields: { password: '$6$s$h', display_name: 'Mail', created_at: '2024-05-01T10:00:00+00:00', expires_at: '2027-01-01T00:00:00+00:00' } },
  ],
  backup: { initialized: false, localSecret: 'reference-secret', lastBackedUp: [], provider: { kind: 'FILE', login: '', key: '', location: '/srv/backups', repo_id: '' } },
};

describe.each(BACKENDS)('importReference on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.open>>;
  let deps: {
    tokens: DrizzleTokenRepository;
    authKeys: DrizzleAuthKeyRepository;
    emailPasswords: DrizzleEmailPasswordRepository;
    backupState: DrizzleBackupStateRepository;
    clock: FixedClock;
    referenceImports: DrizzleReferenceImportLedger;
  };

  beforeEach(async () => {
    database = await backend.open();
    deps = {
      tokens: new DrizzleTokenRepository(database.db),
      authKeys: new DrizzleAuthKeyRepository(database.db),
      emailPasswords: new DrizzleEmailPasswordRepository(database.db),
      backupState: new DrizzleBackupStateRepository(database.db),
      clock: new FixedClock(NOW),
      referenceImports: new DrizzleReferenceImportLedger(database.db),
    };
  });
  afterEach(async () => {
    await database.dispose();
  });

  it('imports once beside the first start\'s `initial` token, then finds everything present', async () => {
    await deps.tokens.insert({ name: 'initial', tokenHash: hashSecret('made here'), createdAt: NOW });

    const first = await importReference(deps, { read: async () => records }, { dryRun: false });
    const second = await importReference(deps, { read: async () => records }, { dryRun: false });

    expect(first.deviceTokens.renamed).toEqual([{ from: 'initial', to: expect.stringMatching(/^initial\d$/) }]);
    expect(await deps.tokens.findByHash(hashSecret('T'.repeat(43)))).toEqual({ name: 'phone', createdAt: new Date(2024, 4, 1, 8, 30, 15, 123) });
    expect(await deps.tokens.count()).toBe(3);
    expect(second.deviceTokens).toEqual({ imported: [], present: ['phone', first.deviceTokens.renamed[0]!.to], skipped: [], renamed: [] });
    expect(second.emailPasswords.present).toEqual(['alice: Mail']);
    expect(second.backup.present).toEqual(['FILE repository /srv/backups', 'encryption key']);
  });

  it('does not bring back a device or an e-mail password removed here after the import', async () => {
    await importReference(deps, { read: async () => records }, { dryRun: false });
    await deps.tokens.deleteByName('phone');
    await deps.emailPasswords.delete('alice', 'e-1');

    const again = await importReference(deps, { read: async () => records }, { dryRun: false });

    expect(await deps.tokens.findByHash(hashSecret('T'.repeat(43)))).toBeUndefined();
    expect(await deps.emailPasswords.list('alice', NOW)).toEqual([]);
    expect(again.deviceTokens.skipped).toEqual([{ name: 'phone', reason: 'imported before and removed here since' }]);
    expect(again.deviceTokens.imported).toEqual([]);
    expect(again.emailPasswords.skipped).toEqual([{ name: 'alice: Mail', reason: 'imported before and removed here since' }]);
    expect(again.emailPasswords.imported).toEqual([]);
  });

  it('lets the reference\'s recovery phrase be spent through the repository, once', async () => {
    await importReference(deps, { read: async () => records }, { dryRun: false });
    const hash = hashSecret(fromMnemonic(toMnemonic(RECOVERY_BYTES))!);

    expect(await deps.authKeys.spendRecoveryKey(hash, NOW)).toBe(true);
    expect(await deps.authKeys.spendRecoveryKey(hash, NOW)).toBe(false);
    expect(await deps.authKeys.getRecoveryKey()).toMatchObject({ usesLeft: 0, expiresAt: null });
  });

  it('in a dry run stores no encryption key and nothing else', async () => {
    await importReference(deps, { read: async () => records }, { dryRun: true });

    expect(await deps.tokens.count()).toBe(0);
    expect(await deps.authKeys.getRecoveryKey()).toBeUndefined();
    expect(await deps.emailPasswords.list('alice', NOW)).toEqual([]);
    expect(await deps.backupState.readSettings()).toMatchObject({ provider: 'NONE' });
    expect(await deps.backupState.encryptionKey(() => 'generated by this test')).toBe('generated by this test');
  });
});
