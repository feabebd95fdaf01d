// The NixOS userdata file (the desired state of the host), in its current layout. Keys the API does
// not know are kept as they are: every store implementation must preserve them on write.

export interface LegacyUserEntry {
  username: string;
  hashedPassword?: string;
  sshKeys?: string[];
  [key: string]: unknown;
}

export interface ModuleSettings {
  enable?: boolean;
  location?: string;
  subdomain?: string;
  [option: string]: unknown;
}

export interface VolumeEntry {
  device: string;
  mountPoint: string;
  fsType: string;
}

export interface UserData {
  domain?: string;
  hostname?: string;
  timezone?: string;
  username?: string;
  hashedMasterPassword?: string;
  sshKeys?: string[];
  users?: LegacyUserEntry[];
  ssh?: { enable?: boolean; passwordAuthentication?: boolean; rootKeys?: string[]; [key: string]: unknown };
  autoUpgrade?: { enable?: boolean; allowReboot?: boolean; [key: string]: unknown };
  dns?: { provider?: string; useStagingACME?: boolean; [key: string]: unknown };
  server?: { provider?: string; rootPartitionName?: string; [key: string]: unknown };
  useBinds?: boolean;
  modules?: Record<string, ModuleSettings>;
  volumes?: VolumeEntry[];
  [key: string]: unknown;
}

/** /etc/selfprivacy/secrets.json: credentials kept out of the world-readable userdata. */
export interface Secrets {
  dns?: { token?: string; tokenId?: string; url?: string; tenant?: string; secondaryToken?: string; [key: string]: unknown };
  api?: { skippedMigrations?: string[]; [key: string]: unknown };
  [key: string]: unknown;
}
