import type { Deps } from '../ports.js';
import { emptySection, type ImportSection } from './import-report.js';
import type { ReferenceEmailPassword } from './reference-source.js';
import { fieldOf, instantOf } from './reference-values.js';

const EVERY_ENTRY = new Date(0);

/**
 * Stores each unexpired reference e-mail password with its hash as-is (argon2 or SHA-512 crypt, both of
 * which the mail check verifies), its uuid, name and dates; an entry whose uuid is here already is left alone, and one imported before and
 * deleted here since is not brought back.
 */
export async function importEmailPasswords(
  deps: Pick<Deps, 'emailPasswords' | 'clock' | 'referenceImports'>,
  entries: readonly ReferenceEmailPassword[],
  dryRun: boolean,
): Promise<ImportSection> {
  const section = emptySection();
  const now = deps.clock.now();
  for (const { username, uuid, fields } of entries) {
    const displayName = fieldOf(fields, 'display_name') ?? '';
    const name = `${username}: ${displayName || uuid}`;
    const passwordHash = fieldOf(fields, 'password');
    const createdText = fieldOf(fields, 'created_at');
    const expiresText = fieldOf(fields, 'expires_at');
    const lastUsedText = fieldOf(fields, 'last_used');
    const createdAt = createdText === null ? now : instantOf(createdText);
    const expiresAt = expiresText === null ? null : instantOf(expiresText);
    const lastUsed = lastUsedText === null ? null : instantOf(lastUsedText);
    if (!passwordHash) {
      section.skipped.push({ name, reason: 'no password hash stored' });
      continue;
    }
    if (!createdAt || expiresAt === undefined || lastUsed === undefined) {
      section.skipped.push({ name, reason: 'unreadable date' });
      continue;
    }
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      section.skipped.push({ name, reason: 'expired' });
      continue;
    }
    const stored = await deps.emailPasswords.list(username, EVERY_ENTRY);
    if (stored.some((entry) => entry.uuid === uuid)) {
      if (!dryRun) await deps.referenceImports.record('emailPassword', uuid, now);
      section.present.push(name);
      continue;
    }
    // a password imported once and deleted here since stays deleted
    if (await deps.referenceImports.has('emailPassword', uuid)) {
      section.skipped.push({ name, reason: 'imported before and removed here since' });
      continue;
    }
    if (!dryRun) {
      await deps.emailPasswords.add({ uuid, username, displayName, passwordHash, createdAt, expiresAt, lastUsed });
      await deps.referenceImports.record('emailPassword', uuid, now);
    }
    section.imported.push(name);
  }
  return section;
}
