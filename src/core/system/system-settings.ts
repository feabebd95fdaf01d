import { CoreError } from '../errors.js';
import { isBusy } from '../jobs/jobs.js';
import type { Deps } from '../ports.js';
import type { UserData } from '../userdata/userdata-types.js';

export const DNS_PROVIDERS = ['CLOUDFLARE', 'DIGITALOCEAN', 'DESEC', 'PORKBUN'] as const;
export type DnsProviderName = (typeof DNS_PROVIDERS)[number];
export const SERVER_PROVIDERS = ['HETZNER', 'DIGITALOCEAN', 'OTHER'] as const;
export type ServerProviderName = (typeof SERVER_PROVIDERS)[number];

export const DEFAULT_TIMEZONE = 'Etc/UTC';

export interface DomainInfo {
  domain: string;
  hostname: string;
  provider: DnsProviderName;
}

export interface AutoUpgradeSettings {
  enable: boolean;
  allowReboot: boolean;
}

export interface SystemInfo {
  systemVersion: string;
  runtimeVersion: string;
  usingBinds: boolean;
}

/** The server's domain, host name and DNS provider (a server set up before `dns` existed used Cloudflare). */
export async function getDomainInfo(deps: Pick<Deps, 'userData'>): Promise<DomainInfo> {
  const data = await deps.userData.read();
  const provider = data.dns?.provider ?? 'CLOUDFLARE';
  if (!(DNS_PROVIDERS as readonly string[]).includes(provider)) {
    throw new CoreError('INVALID_INPUT', `The userdata names an unknown DNS provider: ${provider}`);
  }
  return { domain: data.domain ?? '', hostname: data.hostname ?? '', provider: provider as DnsProviderName };
}

/** Auto-upgrade settings; a missing section or key reads as enabled, reboots not allowed. */
export function autoUpgradeOf(data: UserData): AutoUpgradeSettings {
  return { enable: data.autoUpgrade?.enable ?? true, allowReboot: data.autoUpgrade?.allowReboot ?? false };
}

/** Legacy REST view: the stored `autoUpgrade` section as is, with absent `enable` / `allowReboot` appended as true / false. */
export async function getStoredAutoUpgradeSection(deps: Pick<Deps, 'userData'>): Promise<Record<string, unknown>> {
  const section: Record<string, unknown> = { ...(await deps.userData.read()).autoUpgrade };
  if (!('enable' in section)) section.enable = true;
  if (!('allowReboot' in section)) section.allowReboot = false;
  return section;
}

/** The auto-upgrade settings, with the defaults for absent keys. */
export async function getAutoUpgradeSettings(deps: Pick<Deps, 'userData'>): Promise<AutoUpgradeSettings> {
  return autoUpgradeOf(await deps.userData.read());
}

/** Writes the given (non-null) auto-upgrade fields, creating the section; returns the settings read back. */
export async function changeAutoUpgradeSettings(
  deps: Pick<Deps, 'userData'>,
  change: { enable?: boolean | null; allowReboot?: boolean | null },
): Promise<AutoUpgradeSettings> {
  return deps.userData.update((data) => {
    data.autoUpgrade ??= {};
    if (change.enable != null) data.autoUpgrade.enable = change.enable;
    if (change.allowReboot != null) data.autoUpgrade.allowReboot = change.allowReboot;
    return autoUpgradeOf(data);
  });
}

/** The configured time zone, `Etc/UTC` when none is set. */
export async function getTimezone(deps: Pick<Deps, 'userData'>, fallback = DEFAULT_TIMEZONE): Promise<string> {
  return (await deps.userData.read()).timezone ?? fallback;
}

/** `uname -a` of the host, trimmed. */
export async function getKernelVersion(deps: Pick<Deps, 'host'>): Promise<string> {
  return (await deps.host.kernelVersion()).trim();
}

/** Kernel version from the host; `runtimeVersion` is this API's runtime (the reference reported its Python). */
export async function getSystemInfo(
  deps: Pick<Deps, 'userData' | 'host'>,
  runtimeVersion: string,
): Promise<SystemInfo> {
  const [systemVersion, data] = await Promise.all([getKernelVersion(deps), deps.userData.read()]);
  return { systemVersion, runtimeVersion, usingBinds: data.useBinds ?? false };
}

/** The hosting provider recorded at set-up; anything unrecognised is OTHER. The id is not tracked. */
export async function getServerProvider(
  deps: Pick<Deps, 'userData'>,
): Promise<{ provider: ServerProviderName; id: string }> {
  const stored = (await deps.userData.read()).server?.provider ?? 'OTHER';
  const provider = (SERVER_PROVIDERS as readonly string[]).includes(stored) ? (stored as ServerProviderName) : 'OTHER';
  return { provider, id: 'UNKNOWN' };
}

/** True while a job is RUNNING. */
export async function isSystemBusy(deps: Pick<Deps, 'jobs' | 'clock'>): Promise<boolean> {
  return isBusy(deps);
}

/** The reference's constant status alert. */
export function systemStatus() {
  return { severity: 'INFO' as const, title: 'Test message', message: 'Test message', timestamp: null };
}
