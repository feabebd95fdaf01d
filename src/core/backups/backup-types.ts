// The restic port: what the backup use cases ask of a restic repository, and the domain types it answers with.

/** The contract's `BackupProvider`: where the repository lives (MEMORY and FILE are for tests and local disks). */
export type BackupProvider = 'BACKBLAZE' | 'NONE' | 'MEMORY' | 'FILE';

/** The contract's `BackupReason`: the second tag of every snapshot the API makes. */
export type BackupReason = 'EXPLICIT' | 'AUTO' | 'PRE_RESTORE';

/** One repository and what opens it. `location` is the bucket (BACKBLAZE) or the folder (FILE). */
export interface ResticRepository {
  provider: BackupProvider;
  location: string;
  /** The provider's account (Backblaze key id); travels in the environment only. */
  login: string;
  /** The provider's secret (Backblaze application key); travels in the environment only. */
  providerKey: string;
  /** The repository password (the encryption key). */
  encryptionKey: string;
}

/** Live progress of a backup, from restic's JSON status lines. */
export interface BackupProgress {
  /** 0 to 100, whole percent. */
  percent: number;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface BackupTags {
  serviceId: string;
  reason: BackupReason;
}

export interface ResticSnapshot {
  /** restic's short id (8 hex characters). */
  id: string;
  /** restic's full id ('' when restic gave none). */
  fullId: string;
  time: Date;
  tags: string[];
  paths: string[];
  /** The first tag. */
  serviceId: string;
  /** The second tag (EXPLICIT when there is none or it is not a reason). */
  reason: BackupReason;
}

export interface BackupOptions {
  onProgress?: (progress: BackupProgress) => void;
  /** Aborting kills restic (its repository stays intact: restic writes a snapshot last). */
  signal?: AbortSignal;
}

/** Drives restic. Every call fails with a ResticError; a held lock is cleared once and the call retried. */
export interface ResticPort {
  /** Creates the repository with the key. */
  initRepository(repo: ResticRepository): Promise<void>;
  /** True when a repository exists there and the key opens it; false when there is none; a wrong key throws. */
  isInitialized(repo: ResticRepository): Promise<boolean>;
  /** Backs up the folders with the service id and reason as tags; answers the new snapshot's short id. */
  backup(repo: ResticRepository, paths: readonly string[], tags: BackupTags, options?: BackupOptions): Promise<string>;
  listSnapshots(repo: ResticRepository): Promise<ResticSnapshot[]>;
  /** Restores the snapshot under `target` (its paths keep their full names below it) and verifies what it wrote. */
  restore(repo: ResticRepository, snapshotId: string, target: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** `restic stats <id>`: the total size in bytes of what restoring the snapshot writes. */
  snapshotSize(repo: ResticRepository, snapshotId: string): Promise<number>;
  /** Forgets the snapshots and prunes the data only they used. */
  forget(repo: ResticRepository, snapshotIds: readonly string[]): Promise<void>;
  /** Removes stale locks. */
  unlock(repo: ResticRepository): Promise<void>;
}

export type ResticFailure = 'WRONG_PASSWORD' | 'NO_REPOSITORY' | 'LOCKED' | 'NOT_CONFIGURED' | 'FAILED';

export class ResticError extends Error {
  override name = 'ResticError';
  constructor(
    readonly failure: ResticFailure,
    message: string,
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
  }
}

const REASONS: readonly string[] = ['EXPLICIT', 'AUTO', 'PRE_RESTORE'] satisfies BackupReason[];

/** The reason a snapshot's tags give (the reference tagged service first, reason second). */
export function reasonFromTags(tags: readonly string[]): BackupReason {
  const second = tags[1];
  return second !== undefined && REASONS.includes(second) ? (second as BackupReason) : 'EXPLICIT';
}

/**
 * The restic repository string for a provider, as the reference wrote it (so its repositories open unchanged):
 * every provider goes through rclone. NONE has no repository.
 */
export function resticRepositoryString(provider: BackupProvider, location: string): string {
  switch (provider) {
    case 'BACKBLAZE':
      return `rclone::b2:${location}`;
    case 'FILE':
      return `rclone::local:${location}`;
    case 'MEMORY':
      return 'rclone::memory:';
    case 'NONE':
      throw new ResticError('NOT_CONFIGURED', 'No backup provider is configured');
  }
}
