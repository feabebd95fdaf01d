import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shutdownCancellation } from '../../src/core/jobs/job-cancellation.js';
import { failInterruptedJobs, getJob } from '../../src/core/jobs/jobs.js';
import { moveService } from '../../src/core/services/service-move.js';
import type { Database } from '../../src/infra/db/database.js';
import { DrizzleJobRepository } from '../../src/infra/db/drizzle-job.repository.js';
import { servicesDeps } from '../fakes/services-deps.js';
import { BACKENDS } from './backends.js';

// A move the API is stopped in the middle of: nothing is undone at shutdown, and the next start
// settles the job with the exact state the service was left in.

describe.each(BACKENDS)('a service move interrupted by shutdown on $name', (backend) => {
  let database: Database & { dispose(): Promise<void> };

  beforeEach(async () => {
    database = await backend.open();
  });

  afterEach(async () => {
    await database.dispose();
  });

  it('records which folders moved, where the data is and what is stopped, for the next start to report', async () => {
    const deps = { ...servicesDeps(), jobs: new DrizzleJobRepository(database.db), instanceId: 'old-process' };
    for (const [path, dir] of [['/var/vmail', 'vmail'], ['/var/sieve', 'sieve']] as const) {
      deps.host.paths[path] = { exists: true, isDirectory: true, owner: 'virtualMail' };
      deps.host.paths[`/volumes/sda1/${dir}`] = { exists: true, isDirectory: true, owner: 'virtualMail' };
    }
    const move = deps.host.moveFolder.bind(deps.host);
    let stuck!: () => void;
    const reachedSieve = new Promise<void>((resolve) => (stuck = resolve));
    deps.host.moveFolder = async (from, to) => {
      await move(from, to);
      if (from !== '/volumes/sda1/sieve') return;
      stuck();
      await new Promise(() => {}); // a copy that never ends, deaf to the signal
    };

    const { job } = await moveService(deps, 'simple-nixos-mailserver', 'sdb');
    await reachedSieve;
    await deps.background.drain(50);
    deps.background.cancelAll(shutdownCancellation());
    await deps.background.drain(50);
    const after = { ...deps, instanceId: 'next-start' };
    await failInterruptedJobs(after, deps.clock.now());

    expect(await getJob(after, job.uid)).toMatchObject({
      status: 'ERROR',
      error:
        'Interrupted while moving Mail Server from sda1 to sdb (moving data): /var/vmail already on sdb (not mounted), ' +
        '/var/sieve partly moved (data on sda1 and sdb) (not mounted); configuration still points to sda1; ' +
        'Mail Server stopped (dovecot.service, postfix.service).',
    });
    expect(deps.host.calls.filter((c) => /^(moveFolder|bindMount|startUnit)/.test(c))).toEqual([
      'moveFolder /volumes/sda1/vmail /volumes/sdb/vmail',
      'moveFolder /volumes/sda1/sieve /volumes/sdb/sieve',
    ]);
    expect(deps.host.units).toMatchObject({ 'dovecot.service': 'inactive', 'postfix.service': 'inactive' });
  });

  it('undoes nothing when shutdown stops the move between steps, and says so', async () => {
    const deps = { ...servicesDeps(), jobs: new DrizzleJobRepository(database.db), instanceId: 'old-process' };
    deps.host.paths['/var/lib/nextcloud'] = { exists: true, isDirectory: true, owner: 'nextcloud' };
    deps.host.paths['/volumes/sdb/nextcloud'] = { exists: true, isDirectory: true, owner: 'nextcloud' };
    const chown = deps.host.chownRecursive.bind(deps.host);
    deps.host.chownRecursive = async (path, owner, group) => {
      await chown(path, owner, group);
      deps.background.cancelAll(shutdownCancellation());
    };

    const { job } = await moveService(deps, 'nextcloud', 'sda1');
    await deps.background.drain(1000);
    const after = { ...deps, instanceId: 'next-start' };
    await failInterruptedJobs(after, deps.clock.now());

    expect((await getJob(after, job.uid))?.error).toBe(
      'Interrupted while moving Nextcloud from sdb to sda1 (setting file owners): /var/lib/nextcloud already on sda1 (not mounted); ' +
        'configuration still points to sdb; Nextcloud stopped (phpfpm-nextcloud.service).',
    );
    expect(deps.host.calls.filter((c) => /^(moveFolder|bindMount|startUnit)/.test(c))).toEqual(['moveFolder /volumes/sdb/nextcloud /volumes/sda1/nextcloud']);
  });
});
