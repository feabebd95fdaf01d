import { withoutDefaultGroups } from '../../core/users/groups.js';
import type { GroupInfo, UserAccount } from '../../core/users/user-types.js';
import { KANIDM_ERRORS } from './kanidm-messages.js';

/** Kanidm's entry shape: every attribute is a list of strings. */
type Attrs = Record<string, unknown>;

/** Thrown when Kanidm answers with a shape we cannot read; the client turns it into a 500 text. */
export class KanidmShapeError extends Error {
  override name = 'KanidmShapeError';
}

function attrsOf(entry: unknown): Attrs {
  const attrs = entry !== null && typeof entry === 'object' ? (entry as { attrs?: unknown }).attrs : undefined;
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) {
    throw new KanidmShapeError(`${KANIDM_ERRORS.unknownResponseType} Response: ${JSON.stringify(entry)?.slice(0, 300)}`);
  }
  return attrs as Attrs;
}

function strings(attrs: Attrs, name: string): string[] {
  const value = attrs[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new KanidmShapeError(`${KANIDM_ERRORS.unknownResponseType} Attribute "${name}": ${JSON.stringify(value).slice(0, 300)}`);
  }
  return value as string[];
}

function first(attrs: Attrs, name: string): string | null {
  return strings(attrs, name)[0] ?? null;
}

function requiredName(attrs: Attrs): string {
  const name = first(attrs, 'name');
  if (!name) throw new KanidmShapeError(`${KANIDM_ERRORS.unknownResponseType} An entry has no name.`);
  return name;
}

/** Kanidm names groups `name@domain` in membership lists (spec §5.3: the part from the first `@` is dropped). */
function groupNames(attrs: Attrs, name: string): string[] {
  return withoutDefaultGroups(strings(attrs, name).map((g) => g.split('@')[0]!));
}

/** A person entry as the core's account. */
export function toAccount(entry: unknown): UserAccount {
  const attrs = attrsOf(entry);
  return {
    username: requiredName(attrs),
    displayName: first(attrs, 'displayname'),
    email: first(attrs, 'mail'),
    directmemberof: groupNames(attrs, 'directmemberof'),
    memberof: groupNames(attrs, 'memberof'),
  };
}

/** A group entry as `groups.allGroups` shows it, or undefined for Kanidm's built-in groups. */
export function toGroup(entry: unknown): GroupInfo | undefined {
  const attrs = attrsOf(entry);
  const groupClass = strings(attrs, 'class');
  if (groupClass.includes('builtin')) return undefined;
  return {
    name: requiredName(attrs),
    groupClass,
    member: strings(attrs, 'member'),
    memberof: strings(attrs, 'memberof'),
    directmemberof: strings(attrs, 'directmemberof'),
    spn: first(attrs, 'spn'),
    description: first(attrs, 'description'),
  };
}

/** A list answer: a non-empty array (an empty or other answer is a broken Kanidm, spec §13.3). */
export function nonEmptyList(data: unknown): unknown[] {
  if (Array.isArray(data) && data.length > 0) return data;
  if (Array.isArray(data) || data === null || data === '') throw new KanidmShapeError(KANIDM_ERRORS.emptyResponse);
  throw new KanidmShapeError(`${KANIDM_ERRORS.unknownResponseType} Response: ${JSON.stringify(data).slice(0, 300)}`);
}
