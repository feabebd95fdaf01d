import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../test/fakes/fake-deps.js';
import { InMemoryEmailPasswordRepository } from '../../../test/fakes/idle-user-store.js';
import { InMemoryAuthKeyRepository, InMemoryTokenRepository } from '../../../test/fakes/in-memory-auth.js';
import { InMemoryBackupState } from '../../../test/fakes/in-memory-backup-state.js';
import { InMemoryReferenceImports } from '../../../test/fakes/in-memory-reference-imports.js';
import { fromMnemonic, hashSecret, toMnemonic } from '../auth/secrets.js';
import { formatImportReport } from './import-report.js';
import { importReference } from './import-reference.js';
import type { ReferenceRecords } from './reference-source.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const TOKEN_A = 'A'.repeat(43);
const TOKEN_B = 'B'.repeat(43);
const RECOVERY_HEX = '0f'.repeat(24);
const PAIRING_HEX = 'a1'.repeat(16);
const ARGON = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g';

function makeDeps() {
  return {
    tokens: new InMemoryTokenRepository(),
    authKeys: new InMemoryAuthKeyRepository(),
    emailPasswords: new InMemoryEmailPasswordRepository(),
    backupState: new InMemoryBackupState(),
    clock: new FixedClock(NOW),
    referenceImports: new InMemoryReferenceImports(),
  };
}

function records(overrides: Partial<ReferenceRecords> = {}): ReferenceRecords {
  return {
    deviceTokens: [
      { token: TOKEN_A, device_name: 'phone', created_at: '2024-05-01T08:30:15.123456' },
      { token: TOKEN_B, device_name: 'My Laptop', created_at: '2024-06-02T09:00:00+00:00' },
    ],
    recoveryKey: { key: RECOVERY_HEX, created_at: '2024-05-01T06:00:00+00:00', expires_at: 'None', uses_left: '2' },
    newDeviceKey: { key: PAIRING_HEX, created_at: '2026-03-01T11:55:00+00:00', expires_at: '2026-03-01T12:05:00+00:00' },
    emailPasswords: [
      { username: 'alice', uuid: 'u-1', fields: { password: ARGON, display_name: 'Thunderbird', created_at: '2024-05-01T10:00:00+00:00', last_used: '2025-01-01T00:00:00+00:00' } },
      { username: 'bob', uuid: 'u-2', fields: { password: '$6$salt$hash', display_name: 'Old', created_at: '2024-05-01T10:00:00+00:00', expires_at: '2025-01-01T00:00:00+00:00' } },
    ],
    backup: {
      provider: { kind: 'BACKBLAZE', login: 'key-id', key: 'app-key', location: 'my-bucket', repo_id: 'bucket-id' },
      autobackupPeriod: '1440',
      quotas: { last: '3', daily: '7', weekly: '4', monthly: '12', yearly: '-1' },
      initialized: true,
      localSecret: 'reference-repository-password',
      lastBackedUp: [{ serviceId: 'nextcloud', fields: { id: 'abcd1234', service_name: 'nextcloud', created_at: '2026-02-28T03:00:00+00:00', reason: 'AUTO' } }],
    },
    ...overrides,
  };
}

const sourceOf = (r: ReferenceRecords) => ({ read: async () => r });

describe('importReference', () => {
  it('stores each token as its digest with its device name (normalised as ours, the rename reported) and its creation date', async () => {
    const deps = makeDeps();

    const report = await importReference(deps, sourceOf(records()), { dryRun: false });

    expect(deps.tokens.rows).toEqual([
      { name: 'phone', tokenHash: hashSecret(TOKEN_A), createdAt: new Date(2024, 4, 1, 8, 30, 15, 123) },
      // the reference wrote its naive local time with +00:00 appended: the digits are the local time
      { name: 'My_Laptop', tokenHash: hashSecret(TOKEN_B), createdAt: new Date(2024, 5, 2, 9, 0, 0) },
    ]);
    expect(report.deviceTokens).toEqual({ imported: ['phone', 'My_Laptop'], present: [], skipped: [], renamed: [{ from: 'My Laptop', to: 'My_Laptop' }] });
  });

  it('gives a device whose name is taken here a digit, as pairing does', async () => {
    const deps = makeDeps();
    await deps.tokens.insert({ name: 'phone', tokenHash: hashSecret('other'), createdAt: NOW });

    const report = await importReference(deps, sourceOf(records()), { dryRun: false });

    expect(report.deviceTokens.renamed[0]).toEqual({ from: 'phone', to: expect.stringMatching(/^phone\d$/) });
    expect(deps.tokens.rows.map((r) => r.name)).toEqual(['phone', report.deviceTokens.renamed[0]!.to, 'My_Laptop']);
  });

  it('keeps the recovery key so its phrase still decodes to the stored digest, with uses left and no expiry', async () => {
    const deps = makeDeps();
    const phrase = toMnemonic(new Uint8Array(Buffer.from(RECOVERY_HEX, 'hex')));

    await importReference(deps, sourceOf(records()), { dryRun: false });

    expect(await deps.authKeys.getRecoveryKey()).toEqual({
      keyHash: hashSecret(fromMnemonic(phrase)!),
      createdAt: new Date('2024-05-01T06:00:00Z'),
      expiresAt: null,
      usesLeft: 2,
    });
    expect(await deps.authKeys.getNewDeviceKey()).toEqual({
      keyHash: hashSecret(new Uint8Array(Buffer.from(PAIRING_HEX, 'hex'))),
      createdAt: new Date('2026-03-01T11:55:00Z'),
      expiresAt: new Date('2026-03-01T12:05:00Z'),
    });
  });

  it('stores e-mail password hashes as-is and skips expired ones', async () => {
    const deps = makeDeps();

    const report = await importReference(deps, sourceOf(records()), { dryRun: false });

    expect(deps.emailPasswords.rows).toEqual([
      { uuid: 'u-1', username: 'alice', displayName: 'Thunderbird', passwordHash: ARGON, createdAt: new Date('2024-05-01T10:00:00Z'), expiresAt: null, lastUsed: new Date('2025-01-01T00:00:00Z') },
    ]);
    expect(report.emailPasswords.skipped).toEqual([{ name: 'bob: Old', reason: 'expired' }]);
  });

  it('carries the backup configuration and repository password over when no repository is configured here', async () => {
    const deps = makeDeps();
    deps.backupState.key = 'generated-here-before-any-repository';

    await importReference(deps, sourceOf(records()), { dryRun: false });

    expect(deps.backupState.settings).toEqual({
      provider: 'BACKBLAZE', login: 'key-id', providerKey: 'app-key', locationName: 'my-bucket', locationId: 'bucket-id',
      initialized: true, autobackupPeriodMinutes: 1440, quotas: { last: 3, daily: 7, weekly: 4, monthly: 12, yearly: -1 },
    });
    expect(deps.backupState.key).toBe('reference-repository-password');
    expect(deps.backupState.lastBackups.get('nextcloud')).toEqual({ snapshotId: 'abcd1234', at: new Date('2026-02-28T03:00:00Z') });
  });

  it('never replaces a repository, recovery key or pairing key made here', async () => {
    const deps = makeDeps();
    await deps.backupState.updateSettings({ provider: 'FILE', locationName: '/srv/backups' });
    deps.backupState.key = 'key-of-the-local-repository';
    await deps.authKeys.saveRecoveryKey({ keyHash: 'made-here', createdAt: NOW, expiresAt: null, usesLeft: null });
    await deps.authKeys.saveNewDeviceKey({ keyHash: 'made-here', createdAt: NOW, expiresAt: new Date(NOW.getTime() + 60_000) });

    const report = await importReference(deps, sourceOf(records()), { dryRun: false });

    expect(deps.backupState.settings.provider).toBe('FILE');
    expect(deps.backupState.key).toBe('key-of-the-local-repository');
    expect((await deps.authKeys.getRecoveryKey())?.keyHash).toBe('made-here');
    expect(report.backup.skipped).toEqual([{ name: 'BACKBLAZE repository my-bucket', reason: 'a FILE repository is configured here' }]);
    expect(report.recoveryKey.skipped).toEqual([{ name: 'recovery key', reason: 'a different recovery key was already made here' }]);
    expect(report.newDeviceKey.skipped).toEqual([{ name: 'new-device key', reason: 'a different new-device key was made here' }]);
  });

  it('does not bring back a pairing key once a device was paired here after it was made', async () => {
    const deps = makeDeps();
    await importReference(deps, sourceOf(records()), { dryRun: false });
    await deps.authKeys.consumeNewDeviceKey(hashSecret(new Uint8Array(Buffer.from(PAIRING_HEX, 'hex'))), NOW);
    await deps.tokens.insert({ name: 'paired_with_it', tokenHash: hashSecret('new'), createdAt: NOW });

    const report = await importReference(deps, sourceOf(records()), { dryRun: false });

    expect(await deps.authKeys.getNewDeviceKey()).toBeUndefined();
    expect(report.newDeviceKey.skipped).toEqual([{ name: 'new-device key', reason: 'a device was paired since it was made (it may have been used)' }]);
  });

  it('changes nothing on a second run and says so', async () => {
    const deps = makeDeps();
    await importReference(deps, sourceOf(records()), { dryRun: false });
    const before = structuredClone({ tokens: deps.tokens.rows, mail: deps.emailPasswords.rows, backup: deps.backupState.settings, key: deps.backupState.key });

    const report = await importReference(deps, sourceOf(records()), { dryRun: false });

    expect({ tokens: deps.tokens.rows, mail: deps.emailPasswords.rows, backup: deps.backupState.settings, key: deps.backupState.key }).toEqual(before);
    expect(report.deviceTokens.present).toEqual(['phone', 'My_Laptop']);
    expect(formatImportReport(report)).toContain('Nothing to import: everything was already here, nothing changed.');
    expect(formatImportReport(report)[0]).toBe('device tokens: 0 imported, 2 already present, 0 skipped');
  });

  it('with dryRun writes nothing and reports what it would import', async () => {
    const deps = makeDeps();

    const report = await importReference(deps, sourceOf(records()), { dryRun: true });

    expect(deps.tokens.rows).toEqual([]);
    expect(await deps.authKeys.getRecoveryKey()).toBeUndefined();
    expect(deps.emailPasswords.rows).toEqual([]);
    expect(deps.backupState.settings.provider).toBe('NONE');
    expect(deps.backupState.key).toBeUndefined();
    const lines = formatImportReport(report);
    expect(lines[0]).toBe('device tokens: 2 would import, 0 already present, 0 skipped');
    expect(lines.at(-1)).toBe('Dry run: nothing was written.');
  });

  it('skips records it cannot read, with the reason, and prints no secret', async () => {
    const deps = makeDeps();
    const broken = records({
      deviceTokens: [{ device_name: 'tablet', token: 'None', created_at: '2024-01-01T00:00:00' }, { device_name: 'watch', token: TOKEN_A, created_at: 'yesterday' }],
      recoveryKey: { key: 'zz', created_at: '2024-05-01T06:00:00+00:00', expires_at: 'None', uses_left: 'None' },
    });

    const report = await importReference(deps, sourceOf(broken), { dryRun: false });
    const text = formatImportReport(report).join('\n') + formatImportReport(await importReference(deps, sourceOf(records()), { dryRun: false })).join('\n');

    expect(report.deviceTokens.skipped).toEqual([{ name: 'tablet', reason: 'no token stored' }, { name: 'watch', reason: 'unreadable creation date' }]);
    expect(report.recoveryKey.skipped).toEqual([{ name: 'recovery key', reason: 'not in the expected format' }]);
    for (const secret of [TOKEN_A, TOKEN_B, RECOVERY_HEX, PAIRING_HEX, ARGON, 'app-key', 'key-id', 'reference-repository-password']) {
      expect(text).not.toContain(secret);
    }
  });
});
