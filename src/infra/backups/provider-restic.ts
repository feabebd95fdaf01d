import type { BackupOptions, BackupTags, ResticPort, ResticRepository, ResticSnapshot } from '../../core/backups/backup-types.js';

/** The restic port the API uses: MEMORY repositories live in this process, every other provider runs restic. */
export class ProviderRestic implements ResticPort {
  constructor(
    private readonly exec: ResticPort,
    private readonly memory: ResticPort,
  ) {}

  initRepository(repo: ResticRepository): Promise<void> {
    return this.of(repo).initRepository(repo);
  }

  isInitialized(repo: ResticRepository): Promise<boolean> {
    return this.of(repo).isInitialized(repo);
  }

  backup(repo: ResticRepository, paths: readonly string[], tags: BackupTags, options?: BackupOptions): Promise<string> {
    return this.of(repo).backup(repo, paths, tags, options);
  }

  listSnapshots(repo: ResticRepository): Promise<ResticSnapshot[]> {
    return this.of(repo).listSnapshots(repo);
  }

  restore(repo: ResticRepository, snapshotId: string, target: string, options?: { signal?: AbortSignal }): Promise<void> {
    return this.of(repo).restore(repo, snapshotId, target, options);
  }

  snapshotSize(repo: ResticRepository, snapshotId: string): Promise<number> {
    return this.of(repo).snapshotSize(repo, snapshotId);
  }

  forget(repo: ResticRepository, snapshotIds: readonly string[]): Promise<void> {
    return this.of(repo).forget(repo, snapshotIds);
  }

  unlock(repo: ResticRepository): Promise<void> {
    return this.of(repo).unlock(repo);
  }

  private of(repo: ResticRepository): ResticPort {
    return repo.provider === 'MEMORY' ? this.memory : this.exec;
  }
}
