import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/fakes/fake-deps.js';
import { InMemoryBackupState } from '../../../test/fakes/in-memory-backup-state.js';
import { InMemoryDocumentStore } from '../../../test/fakes/in-memory-document-store.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { sampleUserData } from '../../infra/host/sample-userdata.js';
import { SimulatedServiceCatalogue } from '../../infra/services/simulated-service-catalogue.js';
import { createJob, updateJob } from '../jobs/jobs.js';
import type { JobStatus } from '../jobs/job-types.js';
import type { UserData } from '../userdata/userdata-types.js';
import { servicesDueForBackup } from './autobackup-due.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

/** The sample server (mail, API, monitoring, Nextcloud, Forgejo, Bitwarden enabled) at NOW. */
function dueDeps(userData: UserData = sampleUserData()) {
  return {
    ...jobPorts(),
    backupState: new InMemoryBackupState(),
    serviceDefinitions: new SimulatedServiceCatalogue(),
    userData: new InMemoryDocumentStore<UserData>(userData),
    logger: silentLogger,
  };
}
type Deps = ReturnType<typeof dueDeps>;

/** A job of this type created `minutes` ago, left in `status`. */
async function jobOf(deps: Deps, typeId: string, minutes: number, status: JobStatus, resource?: string) {
  deps.clock.advance(minutesAgo(minutes).getTime() - deps.clock.now().getTime());
  const job = await createJob(deps, { typeId, name: typeId, description: '', resource });
  if (status !== 'CREATED') await updateJob(deps, job.uid, { status, error: status === 'ERROR' ? 'restic failed' : null });
  deps.clock.advance(NOW.getTime() - deps.clock.now().getTime());
}

interface Case {
  name: string;
  period: number | null;
  arrange?: (deps: Deps) => Promise<void>;
  nextcloudDue: boolean;
}

const CASES: Case[] = [
  { name: 'automatic backups off', period: null, nextcloudDue: false },
  { name: 'never backed up', period: 60, nextcloudDue: true },
  { name: 'backed up 61 minutes ago, period 60', period: 60, arrange: (d) => d.backupState.setLastBackedUp('nextcloud', 'a1', minutesAgo(61)), nextcloudDue: true },
  { name: 'backed up exactly one period ago', period: 60, arrange: (d) => d.backupState.setLastBackedUp('nextcloud', 'a1', minutesAgo(60)), nextcloudDue: false },
  { name: 'backed up 59 minutes ago, period 60', period: 60, arrange: (d) => d.backupState.setLastBackedUp('nextcloud', 'a1', minutesAgo(59)), nextcloudDue: false },
  { name: 'backed up a day ago, period 1440', period: 1440, arrange: (d) => d.backupState.setLastBackedUp('nextcloud', 'a1', minutesAgo(1441)), nextcloudDue: true },
  {
    name: 'disabled',
    period: 60,
    arrange: (d) => d.userData.update((data) => void (data.modules!.nextcloud!.enable = false)),
    nextcloudDue: false,
  },
  { name: 'a backup of it failed 59 minutes ago', period: 60, arrange: (d) => jobOf(d, 'services.nextcloud.backup', 59, 'ERROR'), nextcloudDue: false },
  { name: 'a backup of it failed 61 minutes ago', period: 60, arrange: (d) => jobOf(d, 'services.nextcloud.backup', 61, 'ERROR'), nextcloudDue: true },
  { name: 'a backup of another service failed just now', period: 60, arrange: (d) => jobOf(d, 'services.gitea.backup', 1, 'ERROR'), nextcloudDue: true },
  { name: 'a backup of it finished just now (its time not stored)', period: 60, arrange: (d) => jobOf(d, 'services.nextcloud.backup', 1, 'FINISHED'), nextcloudDue: true },
  {
    name: 'a move of it is running',
    period: 60,
    arrange: (d) => jobOf(d, 'services.nextcloud.move', 5, 'RUNNING', 'service:nextcloud'),
    nextcloudDue: false,
  },
  {
    name: 'a move of it has ended',
    period: 60,
    arrange: (d) => jobOf(d, 'services.nextcloud.move', 5, 'FINISHED', 'service:nextcloud'),
    nextcloudDue: true,
  },
];

describe('servicesDueForBackup', () => {
  it.each(CASES)('Nextcloud $name: due $nextcloudDue', async ({ period, arrange, nextcloudDue }) => {
    const deps = dueDeps();
    await deps.backupState.updateSettings({ autobackupPeriodMinutes: period });
    await arrange?.(deps);

    const due = await servicesDueForBackup(deps, NOW);

    expect(due.some((s) => s.id === 'nextcloud')).toBe(nextcloudDue);
  });

  it('takes every enabled backuppable service never backed up, in list order, not monitoring (not backuppable)', async () => {
    const deps = dueDeps();
    await deps.backupState.updateSettings({ autobackupPeriodMinutes: 60 });
    await deps.userData.update((data) => void (data.modules!.bitwarden!.enable = false));

    const due = await servicesDueForBackup(deps, NOW);

    expect(due.map((s) => s.id)).toEqual(['simple-nixos-mailserver', 'selfprivacy-api', 'nextcloud', 'gitea']);
  });

  it('takes nothing while automatic backups are off, whatever was backed up when', async () => {
    const deps = dueDeps();
    await deps.backupState.setLastBackedUp('gitea', 'a1', minutesAgo(100_000));

    expect(await servicesDueForBackup(deps, NOW)).toEqual([]);
  });
});
