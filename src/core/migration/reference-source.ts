// What the import reads from the reference API's Redis (spec §14.3): each record exactly as stored there,
// every field a string (the reference writes null as "None").

/** One Redis hash: field name to value. */
export type RedisHash = Readonly<Record<string, string>>;

export interface ReferenceEmailPassword {
  username: string;
  uuid: string;
  fields: RedisHash;
}

/** The backup keys of §10.8 that carry configuration over. */
export interface ReferenceBackupRecords {
  /** `backups:provider` (kind, login, key, location, repo_id). */
  provider?: RedisHash;
  /** `backups:autobackup_period` (minutes). */
  autobackupPeriod?: string;
  /** `backups:autobackup_quotas_key` (last, daily, weekly, monthly, yearly). */
  quotas?: RedisHash;
  /** Whether the repository was marked initialised (`backups:repo_initted` or the older `backups:initted_services:`). */
  initialized: boolean;
  /** `backup:local_secret`: the repository password. */
  localSecret?: string;
  /** `backups:last-backed-up:<service id>`: the last snapshot of each service. */
  lastBackedUp: { serviceId: string; fields: RedisHash }[];
}

export interface ReferenceRecords {
  /** `token_repo:tokens:*` (token, device_name, created_at). */
  deviceTokens: RedisHash[];
  /** `token_repo:recovery_key` (key, created_at, expires_at, uses_left). */
  recoveryKey?: RedisHash;
  /** `token_repo:new_device_key` (key, created_at, expires_at). */
  newDeviceKey?: RedisHash;
  /** DB 1 `priv/user/<user>/passwords/<uuid>` (password, display_name, created_at, expires_at, last_used). */
  emailPasswords: ReferenceEmailPassword[];
  backup: ReferenceBackupRecords;
}

/** Reads everything at once; rejects with a clear message when the reference's Redis cannot be read. */
export interface ReferenceSource {
  read(): Promise<ReferenceRecords>;
}
