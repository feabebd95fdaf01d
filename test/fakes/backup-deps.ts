import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ResticRepository } from '../../src/core/backups/backup-types.js';
import type { Job } from '../../src/core/jobs/job-types.js';
import type { Secrets } from '../../src/core/userdata/userdata-types.js';
import { NodeBackupFiles } from '../../src/infra/backups/node-backup-files.js';
import { sampleSecrets } from '../../src/infra/host/sample-userdata.js';
import { FakeRestic } from './fake-restic.js';
import { InMemoryBackupState } from './in-memory-backup-state.js';
import { InMemoryDocumentStore } from './in-memory-document-store.js';
import { servicesDeps } from './services-deps.js';

/** The FILE repository backup tests configure. */
export const TEST_REPOSITORY = { provider: 'FILE', locationName: '/backups', locationId: '', login: '', password: '' } as const;

/**
 * Ports for backup use cases: servicesDeps (sample userdata, simulated catalogue, FakeHost with the services
 * running, in-memory jobs) plus FakeRestic, in-memory backup state, and real folders: the host's files live
 * under `<root>/host` and restores' side folders under `<root>/tmp`. `close()` removes them.
 */
export async function backupDeps() {
  const base = servicesDeps();
  const root = await mkdtemp(join(tmpdir(), 'backup-core-'));
  base.host.filesRoot = join(root, 'host');
  return {
    ...base,
    root,
    restic: new FakeRestic(() => base.clock.now()),
    backupState: new InMemoryBackupState(),
    backupFiles: new NodeBackupFiles(join(root, 'tmp')),
    secrets: new InMemoryDocumentStore<Secrets>(sampleSecrets()),
    /** Writes a file of the host (a host path such as /var/lib/nextcloud/a.txt) under the files root. */
    async put(path: string, content: string) {
      const real = base.host.filesPath(path);
      await mkdir(dirname(real), { recursive: true });
      await writeFile(real, content);
    },
    /** A host file's content, undefined when it does not exist. */
    async read(path: string): Promise<string | undefined> {
      return readFile(base.host.filesPath(path), 'utf8').catch(() => undefined);
    },
    async close() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

export type BackupDeps = Awaited<ReturnType<typeof backupDeps>>;

/** The repository TEST_REPOSITORY opens with the state's key. */
export function testRepository(deps: BackupDeps): ResticRepository {
  return { provider: 'FILE', location: TEST_REPOSITORY.locationName, login: '', providerKey: '', encryptionKey: deps.backupState.key! };
}

/** Waits for background jobs, then answers the job as stored. */
export async function settled(deps: Pick<BackupDeps, 'background' | 'jobs'>, uid: string): Promise<Job> {
  await deps.background.drain();
  return (await deps.jobs.get(uid))!;
}

/** The job's own log lines, in order. */
export function logOf(deps: Pick<BackupDeps, 'jobs'>, uid: string): string[] {
  return (deps.jobs.logs.get(uid) ?? []).map((line) => line.message);
}
