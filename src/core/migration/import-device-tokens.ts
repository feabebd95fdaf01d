import type { Deps } from '../ports.js';
import { sanitizeDeviceName, withRandomDigit } from '../auth/device-name.js';
import { hashSecret } from '../auth/secrets.js';
import { emptySection, type ImportSection } from './import-report.js';
import type { RedisHash } from './reference-source.js';
import { fieldOf, wallClockOf } from './reference-values.js';

const MAX_NAME_ATTEMPTS = 64;

type TokenDeps = Pick<Deps, 'tokens' | 'referenceImports' | 'clock'>;

/** The name a device gets here: normalised as ours are, with digits appended while it is taken. */
async function freeName(deps: TokenDeps, raw: string, claimed: Set<string>): Promise<string | undefined> {
  let name = sanitizeDeviceName(raw);
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    if (!claimed.has(name) && !(await deps.tokens.findByName(name))) return name;
    name = withRandomDigit(name);
  }
  return undefined;
}

/**
 * Stores each reference device token as ours are stored (its SHA-256 digest), keeping its device's name and
 * creation date; a token already stored here is left alone, so a second run changes nothing, and one imported
 * before and removed here since is not brought back.
 */
export async function importDeviceTokens(deps: TokenDeps, hashes: readonly RedisHash[], dryRun: boolean): Promise<ImportSection> {
  const section = emptySection();
  const claimed = new Set<string>();
  // oldest first: when two names collide, the device paired first keeps its name
  const ordered = [...hashes].sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || (a.device_name ?? '').localeCompare(b.device_name ?? ''));
  for (const hash of ordered) {
    const rawName = fieldOf(hash, 'device_name') ?? '';
    const label = rawName || 'a device without a name';
    const token = fieldOf(hash, 'token');
    const createdAt = wallClockOf(fieldOf(hash, 'created_at') ?? '');
    if (!token) {
      section.skipped.push({ name: label, reason: 'no token stored' });
      continue;
    }
    if (!createdAt) {
      section.skipped.push({ name: label, reason: 'unreadable creation date' });
      continue;
    }
    const tokenHash = hashSecret(token);
    const existing = await deps.tokens.findByHash(tokenHash);
    if (existing) {
      if (!dryRun) await deps.referenceImports.record('deviceToken', tokenHash, deps.clock.now());
      section.present.push(existing.name);
      continue;
    }
    // a device imported once and removed here since stays removed
    if (await deps.referenceImports.has('deviceToken', tokenHash)) {
      section.skipped.push({ name: label, reason: 'imported before and removed here since' });
      continue;
    }
    const name = await storeToken(deps, { rawName, tokenHash, createdAt }, claimed, dryRun);
    if (!name) {
      section.skipped.push({ name: label, reason: 'no free device name' });
      continue;
    }
    if (!dryRun) await deps.referenceImports.record('deviceToken', tokenHash, deps.clock.now());
    claimed.add(name);
    section.imported.push(name);
    if (name !== rawName) section.renamed.push({ from: rawName, to: name });
  }
  return section;
}

async function storeToken(
  deps: TokenDeps,
  token: { rawName: string; tokenHash: string; createdAt: Date },
  claimed: Set<string>,
  dryRun: boolean,
): Promise<string | undefined> {
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const name = await freeName(deps, token.rawName, claimed);
    if (!name) return undefined;
    if (dryRun) return name;
    // insert refuses a name taken meanwhile (another process pairing a device): pick again
    if (await deps.tokens.insert({ name, createdAt: token.createdAt, tokenHash: token.tokenHash })) return name;
  }
  return undefined;
}
