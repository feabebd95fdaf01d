import type { Deps } from '../ports.js';
import type { UserData } from '../userdata/userdata-types.js';

/** SSH daemon settings as stored in userdata `ssh` (keys are the users area's concern). */
export interface SshSettings {
  enable: boolean;
  passwordAuthentication: boolean;
}

/** Legacy REST read a missing `ssh` section or key as true (both settings). */
export const LEGACY_SSH_DEFAULTS: SshSettings = { enable: true, passwordAuthentication: true };

/** Defaults for absent keys: the API's enable true / password off; legacy REST read both as true. */
export function sshSettingsOf(data: UserData, defaults: SshSettings = { enable: true, passwordAuthentication: false }): SshSettings {
  return {
    enable: data.ssh?.enable ?? defaults.enable,
    passwordAuthentication: data.ssh?.passwordAuthentication ?? defaults.passwordAuthentication,
  };
}

/** The stored SSH settings, with `defaults` for absent keys. */
export async function getSshSettings(deps: Pick<Deps, 'userData'>, defaults?: SshSettings): Promise<SshSettings> {
  return sshSettingsOf(await deps.userData.read(), defaults);
}

/** Writes each given (non-null) field into userdata `ssh`, creating it; returns the settings read back. */
export async function changeSshSettings(
  deps: Pick<Deps, 'userData'>,
  change: { enable?: boolean | null; passwordAuthentication?: boolean | null },
): Promise<SshSettings> {
  return deps.userData.update((data) => {
    data.ssh ??= {};
    if (change.enable != null) data.ssh.enable = change.enable;
    if (change.passwordAuthentication != null) data.ssh.passwordAuthentication = change.passwordAuthentication;
    return sshSettingsOf(data);
  });
}

/** The SSH settings (API defaults) and root's keys (userdata `ssh.rootKeys`), from one read of the userdata. */
export async function getSshSettingsAndRootKeys(deps: Pick<Deps, 'userData'>): Promise<SshSettings & { rootKeys: string[] }> {
  const data = await deps.userData.read();
  return { ...sshSettingsOf(data), rootKeys: data.ssh?.rootKeys ?? [] };
}

/** GraphQL `changeSshSettings`: writes only `enable` (password login is no longer offered through the API). */
export async function setSshEnabled(deps: Pick<Deps, 'userData'>, enable: boolean): Promise<SshSettings> {
  return changeSshSettings(deps, { enable });
}
