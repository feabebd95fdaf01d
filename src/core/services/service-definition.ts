import { isAccountName, isCleanAbsolutePath, isUnitName } from '../host/host-names.js';
import type { ConfigOption, License, OwnedFolder, ServiceDefinition, SupportLevel } from './service-types.js';

// Reads a templated service definition (the §9.3 JSON: `meta` + `options`) into a ServiceDefinition.
// Anything malformed makes the whole definition invalid; the registry skips it with a log line.

export class InvalidDefinitionError extends Error {
  override name = 'InvalidDefinitionError';
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(message: string): never {
  throw new InvalidDefinitionError(message);
}

function text(meta: Json, key: string, fallback: string): string {
  const value = meta[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') fail(`meta.${key} must be a string`);
  return value;
}

function optionalText(meta: Json, key: string): string | null {
  const value = meta[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') fail(`meta.${key} must be a string or null`);
  return value;
}

function flag(meta: Json, key: string, fallback: boolean): boolean {
  const value = meta[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') fail(`meta.${key} must be a boolean`);
  return value;
}

function strings(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(`${what} must be a list of strings`);
  return value;
}

function supportLevel(value: unknown): SupportLevel {
  const known: Record<string, SupportLevel> = {
    normal: 'NORMAL',
    experimental: 'EXPERIMENTAL',
    deprecated: 'DEPRECATED',
    community: 'COMMUNITY',
  };
  return (typeof value === 'string' && known[value]) || 'UNKNOWN';
}

function license(value: unknown): License {
  if (!isObject(value)) fail('meta.license entries must be objects');
  const str = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : fail(`license.${key} must be a string`));
  const bool = (key: string) => (typeof value[key] === 'boolean' ? (value[key] as boolean) : fail(`license.${key} must be a boolean`));
  const opt = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : null);
  return {
    deprecated: bool('deprecated'),
    free: bool('free'),
    fullName: str('fullName'),
    redistributable: bool('redistributable'),
    shortName: str('shortName'),
    spdxId: opt('spdxId'),
    url: opt('url'),
  };
}

function ownedFolder(value: unknown): OwnedFolder {
  if (!isObject(value) || typeof value.path !== 'string' || typeof value.owner !== 'string' || typeof value.group !== 'string') {
    fail('meta.ownedFolders entries must be {path, owner, group}');
  }
  return dataFolder(value.path, value.owner, value.group);
}

// The API moves, chowns and bind-mounts these folders as root: only clean absolute paths and plain names.
function dataFolder(path: string, owner: string, group: string): OwnedFolder {
  if (!isCleanAbsolutePath(path)) fail(`folder ${JSON.stringify(path)} must be an absolute, normalised path below /`);
  accountName(owner, 'owner');
  accountName(group, 'group');
  return { path, owner, group };
}

function accountName(name: string, what: string): string {
  if (!isAccountName(name)) fail(`${what} ${JSON.stringify(name)} is not a valid user or group name`);
  return name;
}

function unitNames(value: unknown): string[] {
  const units = strings(value, 'meta.systemdServices');
  const bad = units.find((unit) => !isUnitName(unit));
  if (bad !== undefined) fail(`systemd unit ${JSON.stringify(bad)} is not a valid unit name`);
  return units;
}

function finite(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} must be a number`);
  return value;
}

/** One option; undefined for internal options (`enable`, `location`) and options without meta.type. */
function configOption(name: string, option: unknown): ConfigOption | 'location' | undefined {
  if (!isObject(option) || !isObject(option.meta) || option.meta.type === undefined) return undefined;
  const meta = option.meta;
  const base = {
    name,
    description: typeof option.description === 'string' ? option.description : '',
    weight: typeof meta.weight === 'number' ? meta.weight : 50,
    widget: typeof meta.widget === 'string' ? meta.widget : null,
  };
  switch (meta.type) {
    case 'enable':
      return undefined;
    case 'location':
      return 'location';
    case 'string': {
      const regex = typeof meta.regex === 'string' ? meta.regex : null;
      const subdomain = base.widget === 'subdomain';
      if (subdomain && regex === null) fail(`subdomain option ${name} has no regex`);
      if (regex !== null) compiles(regex, name);
      return { ...base, type: 'string', default: String(option.default ?? ''), regex, allowEmpty: meta.allowEmpty === true, subdomain };
    }
    case 'bool':
      return { ...base, type: 'bool', default: option.default === true };
    case 'enum':
      return { ...base, type: 'enum', default: String(option.default ?? ''), options: strings(meta.options, `options.${name}.meta.options`) };
    case 'int':
      return {
        ...base,
        type: 'int',
        default: typeof option.default === 'number' ? option.default : 0,
        minValue: finite(meta.minValue, `options.${name}.meta.minValue`),
        maxValue: finite(meta.maxValue, `options.${name}.meta.maxValue`),
      };
    default:
      return fail(`option ${name} has unknown type ${String(meta.type)}`);
  }
}

function compiles(regex: string, name: string): void {
  try {
    new RegExp(regex);
  } catch {
    fail(`option ${name} has an invalid regex`);
  }
}

/** Parses one §9.3 document; throws InvalidDefinitionError when the reference would reject it. */
export function parseServiceDefinition(document: unknown): ServiceDefinition {
  if (!isObject(document) || !isObject(document.meta) || !isObject(document.options)) fail('meta and options are required');
  const meta = document.meta;
  const id = meta.id;
  if (typeof id !== 'string' || id === '' || /[/\\]/.test(id)) fail('meta.id must be a non-empty string without slashes');
  if (typeof meta.name !== 'string') fail('meta.name is required');
  if (!Array.isArray(meta.systemdServices)) fail('meta.systemdServices is required');
  const user = text(meta, 'user', id);
  const group = text(meta, 'group', user);
  // named ones must be sane; the defaults (from the id) are checked where a folder uses them
  if (meta.user !== undefined && meta.user !== null) accountName(user, 'user');
  if (meta.group !== undefined && meta.group !== null) accountName(group, 'group');
  const parsed = Object.entries(document.options).map(([name, option]) => configOption(name, option));
  const hasLocationOption = parsed.includes('location');
  const isMovable = flag(meta, 'isMovable', false);
  if (isMovable && !hasLocationOption) fail('a movable service needs a location option');
  const licenses = meta.license === undefined || meta.license === null ? [] : meta.license;
  if (!Array.isArray(licenses)) fail('meta.license must be a list');
  const ownedFolders = meta.ownedFolders === undefined || meta.ownedFolders === null ? [] : meta.ownedFolders;
  if (!Array.isArray(ownedFolders)) fail('meta.ownedFolders must be a list');
  return {
    kind: 'templated',
    id,
    displayName: meta.name,
    description: text(meta, 'description', 'No description found!'),
    svgIcon: text(meta, 'svgIcon', ''),
    showUrl: flag(meta, 'showUrl', true),
    primarySubdomain: optionalText(meta, 'primarySubdomain'),
    isMovable,
    isRequired: flag(meta, 'isRequired', false),
    canBeBackedUp: flag(meta, 'canBeBackedUp', true),
    backupDescription: text(meta, 'backupDescription', 'No backup description found!'),
    units: unitNames(meta.systemdServices),
    folders: [
      ...strings(meta.folders, 'meta.folders').map((path) => dataFolder(path, user, group)),
      ...ownedFolders.map(ownedFolder),
    ],
    backupFolders: strings(meta.folders, 'meta.folders'),
    postgresDatabases: strings(meta.postgreDatabases, 'meta.postgreDatabases').map((db) => accountName(db, 'database')),
    license: licenses.map(license),
    homepage: optionalText(meta, 'homepage'),
    sourcePage: optionalText(meta, 'sourcePage'),
    supportLevel: supportLevel(meta.supportLevel),
    options: parsed.filter((o): o is ConfigOption => o !== undefined && o !== 'location'),
    hasLocationOption,
  };
}
