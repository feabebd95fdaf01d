import type { Volume } from '../storage/volumes.js';
import type { ModuleSettings, UserData } from '../userdata/userdata-types.js';
import type { ServicesSnapshot } from './service-snapshot.js';
import { serviceStatus } from './service-status.js';
import type { ConfigOption, ServiceDefinition, ServiceStatus } from './service-types.js';

// How each derived `Service` field is computed (§9.4, §11.3), from one request's snapshot.

/** The service's object in userdata `modules`, empty when absent. */
export function moduleSettings(userData: UserData, id: string): ModuleSettings {
  const settings = userData.modules?.[id];
  return typeof settings === 'object' && settings !== null ? settings : {};
}

/** The service's object in a userdata draft, created when absent (its other keys kept): what writes change. */
export function moduleSettingsDraft(draft: UserData, id: string): ModuleSettings {
  const modules = (draft.modules ??= {});
  return (modules[id] ??= {});
}

/** An option's value: userdata `modules.<id>.<name>`, else the option default. */
export function optionValue(userData: UserData, service: ServiceDefinition, option: ConfigOption): unknown {
  return moduleSettings(userData, service.id)[option.name] ?? option.default;
}

/** Whether the service is switched on: mail and API always; the others by `modules.<id>.enable`. */
export function isServiceEnabled(service: ServiceDefinition, userData: UserData): boolean {
  if (service.kind === 'mail' || service.kind === 'api') return true;
  return moduleSettings(userData, service.id).enable === true;
}

/** Built-ins: whether their userdata section is set up; templated: whether the system configuration includes the module. */
export function isServiceInstalled(service: ServiceDefinition, userData: UserData, installed: ReadonlySet<string> | undefined): boolean {
  if (service.kind === 'api') return true;
  if (service.kind === 'mail' || service.kind === 'monitoring') return Object.keys(moduleSettings(userData, service.id)).length > 0;
  return installed === undefined || installed.has(service.id);
}

export async function statusOf(snapshot: ServicesSnapshot, service: ServiceDefinition): Promise<ServiceStatus> {
  if (service.kind === 'api' || service.units.length === 0) return serviceStatus(service, new Map());
  return serviceStatus(service, await snapshot.unitStates());
}

/** The canonical name of the volume holding the service's data: its `location` when movable with binds, else the system disk. */
export function serviceDrive(service: ServiceDefinition, userData: UserData, volumes: readonly Volume[]): string {
  const root = volumes.find((v) => v.root)?.name ?? userData.server?.rootPartitionName ?? '';
  if (!service.isMovable || userData.useBinds !== true) return root;
  const location = moduleSettings(userData, service.id).location;
  return typeof location === 'string' && location !== '' ? location : root;
}

/** The subdomain options of a templated service (string options with the subdomain widget). */
export function subdomainOptions(service: ServiceDefinition): ConfigOption[] {
  return service.options.filter((o) => o.type === 'string' && o.subdomain);
}

/** The service's main subdomain value, when it has one. */
export function primarySubdomain(service: ServiceDefinition, userData: UserData): string | undefined {
  const options = subdomainOptions(service);
  const option = options.find((o) => o.name === service.primarySubdomain) ?? options[0];
  if (!option) return undefined;
  const value = optionValue(userData, service, option);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The web address of the service, or null (mail, monitoring, showUrl false, no subdomain). */
export function serviceUrl(service: ServiceDefinition, userData: UserData): string | null {
  if (service.kind === 'api') return `https://api.${userData.domain ?? ''}`;
  if (service.kind !== 'templated' || !service.showUrl) return null;
  const subdomain = primarySubdomain(service, userData);
  return subdomain ? `https://${subdomain}.${userData.domain ?? ''}` : null;
}

export interface StorageUsage {
  /** Decimal byte count. */
  usedSpace: string;
  volume: Volume | null;
}

/** Bytes used by the service's folders (last background measurement) and the volume holding them. */
export async function storageUsageOf(snapshot: ServicesSnapshot, service: ServiceDefinition): Promise<StorageUsage> {
  const [sizes, userData, volumes] = await Promise.all([snapshot.folderSizes(), snapshot.userData(), snapshot.volumes()]);
  return storageUsageFrom(service, sizes, userData, volumes);
}

/** storageUsageOf from facts already read. */
export function storageUsageFrom(service: ServiceDefinition, sizes: ReadonlyMap<string, number>, userData: UserData, volumes: readonly Volume[]): StorageUsage {
  const used = service.folders.reduce((sum, folder) => sum + (sizes.get(folder.path) ?? 0), 0);
  const drive = serviceDrive(service, userData, volumes);
  return { usedSpace: String(used), volume: volumes.find((v) => v.name === drive) ?? null };
}

/** The services whose data lives on the volume with this canonical name (StorageVolume.usages). */
export async function servicesOnVolume(snapshot: ServicesSnapshot, volumeName: string): Promise<ServiceDefinition[]> {
  const [services, userData, volumes] = await Promise.all([snapshot.services(), snapshot.userData(), snapshot.volumes()]);
  return services.filter((service) => serviceDrive(service, userData, volumes) === volumeName);
}
