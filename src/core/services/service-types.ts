// What the API knows about one service: the built-ins and every templated definition (§9.3 JSON)
// normalised into one shape.

export const SERVICE_STATUSES = ['ACTIVE', 'RELOADING', 'INACTIVE', 'FAILED', 'ACTIVATING', 'DEACTIVATING', 'OFF'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const SUPPORT_LEVELS = ['NORMAL', 'EXPERIMENTAL', 'DEPRECATED', 'COMMUNITY', 'UNKNOWN'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

export interface License {
  deprecated: boolean;
  free: boolean;
  fullName: string;
  redistributable: boolean;
  shortName: string;
  spdxId: string | null;
  url: string | null;
}

/** A data folder and who must own it. */
export interface OwnedFolder {
  path: string;
  owner: string;
  group: string;
}

interface OptionBase {
  /** Key under `modules.<id>` in userdata. */
  name: string;
  description: string;
  weight: number;
  widget: string | null;
}

export type ConfigOption =
  | (OptionBase & { type: 'string'; default: string; regex: string | null; allowEmpty: boolean; subdomain: boolean })
  | (OptionBase & { type: 'bool'; default: boolean })
  | (OptionBase & { type: 'enum'; default: string; options: string[] })
  | (OptionBase & { type: 'int'; default: number; minValue: number | null; maxValue: number | null });

/** Which behaviour a service follows: the three built-ins are special, everything else is templated. */
export type ServiceKind = 'mail' | 'api' | 'monitoring' | 'templated';

export interface ServiceDefinition {
  kind: ServiceKind;
  id: string;
  displayName: string;
  description: string;
  /** Raw SVG text (GraphQL returns it base64-encoded). */
  svgIcon: string;
  showUrl: boolean;
  primarySubdomain: string | null;
  isMovable: boolean;
  isRequired: boolean;
  canBeBackedUp: boolean;
  backupDescription: string;
  units: string[];
  /** Every data folder with its owner (`folders` owned by user:group, plus `ownedFolders`). */
  folders: OwnedFolder[];
  /** The folders a backup holds (templated: `meta.folders` only; §10.3), without the database dumps folder. */
  backupFolders: string[];
  /** PostgreSQL databases dumped before a backup and restored after a restore (`meta.postgreDatabases`). */
  postgresDatabases: string[];
  license: License[];
  homepage: string | null;
  sourcePage: string | null;
  supportLevel: SupportLevel;
  /** Config items and internal options (`enable`, `location` are not among them). */
  options: ConfigOption[];
  /** Whether the definition declares a `location` option (movable templated services must). */
  hasLocationOption: boolean;
}

export interface DnsRecord {
  recordType: string;
  name: string;
  content: string;
  ttl: number;
  priority: number | null;
  displayName: string;
}

/** A config item as the app sees it (int items are validated and stored but cannot be listed, see service-config.ts). */
export type ConfigItem =
  | { kind: 'string'; fieldId: string; description: string; widget: string; type: 'string'; value: string; defaultValue: string; regex: string | null }
  | { kind: 'bool'; fieldId: string; description: string; widget: string; type: 'bool'; value: boolean; defaultValue: boolean }
  | { kind: 'enum'; fieldId: string; description: string; widget: string; type: 'enum'; value: string; defaultValue: string; options: string[] };
