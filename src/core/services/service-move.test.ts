import { describe, expect, it } from 'vitest';
import { servicesDeps } from '../../../test/fakes/services-deps.js';
import { cancelJob } from '../jobs/job-cancellation.js';
import type { Job } from '../jobs/job-types.js';
import { REBUILD_UNIT } from '../system/rebuild.js';
import { moveService } from './service-move.js';

type Deps = ReturnType<typeof servicesDeps>;

/** Lets the rebuild unit run: it is active once started and inactive once seen active. */
function rebuildSucceeds(deps: Deps): void {
  deps.host.units[REBUILD_UNIT] = 'inactive';
  const states = deps.host.unitStates.bind(deps.host);
  deps.host.unitStates = async (units) => {
    const answer = await states(units);
    if (deps.host.units[REBUILD_UNIT] === 'active') deps.host.units[REBUILD_UNIT] = 'inactive';
    return answer;
  };
}

/** The data of the service's folders, where binds keep it. */
function dataOn(deps: Deps, volume: string, folders: [path: string, owner: string][]): void {
  for (const [path, owner] of folders) {
    deps.host.paths[path] = { exists: true, isDirectory: true, owner };
    deps.host.paths[`/volumes/${volume}/${path.slice(path.lastIndexOf('/') + 1)}`] = { exists: true, isDirectory: true, owner };
    deps.host.sizes[path] = 1000;
  }
}

/** Records every job update (status, progress, statusText, error) in order. */
function recordJob(deps: Deps): Partial<Job>[] {
  const updates: Partial<Job>[] = [];
  const update = deps.jobs.update.bind(deps.jobs);
  deps.jobs.update = async (uid, patch) => {
    updates.push({ status: patch.status, progress: patch.progress, statusText: patch.statusText, error: patch.error });
    return update(uid, patch);
  };
  return updates;
}

async function finished(deps: Deps, uid: string): Promise<Job> {
  await deps.background.drain();
  return (await deps.jobs.get(uid))!;
}

describe('moveService', () => {
  it('moves Nextcloud to the system disk: stop, unmount, move, chown, bind, location, rebuild, start', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sdb', [['/var/lib/nextcloud', 'nextcloud']]);
    rebuildSucceeds(deps);
    const updates = recordJob(deps);

    const started = await moveService(deps, 'nextcloud', 'sda1');
    const job = await finished(deps, started.job.uid);

    expect(started).toMatchObject({ code: 200, message: 'Started moving the service.', service: { id: 'nextcloud' } });
    expect(started.job).toMatchObject({ typeId: 'services.nextcloud.move', name: 'Move Nextcloud', description: 'Moving Nextcloud data to system disk' });
    expect(job).toMatchObject({ status: 'FINISHED', progress: 100, result: 'Nextcloud moved successfully.', statusText: 'Starting Nextcloud...', error: null });
    expect(deps.userData.document.modules!.nextcloud!.location).toBe('sda1');
    expect(deps.host.calls.filter((c) => !/^(unitStates|pathInfo|blockDevices|folderSizes|followUnitLog)/.test(c))).toEqual([
      'stopUnit phpfpm-nextcloud.service',
      'unmount /var/lib/nextcloud',
      'moveFolder /volumes/sdb/nextcloud /volumes/sda1/nextcloud',
      'chownRecursive /volumes/sda1/nextcloud nextcloud:nextcloud',
      'bindMount /volumes/sda1/nextcloud /var/lib/nextcloud',
      `startUnit ${REBUILD_UNIT}`,
      'startUnit phpfpm-nextcloud.service',
    ]);
    expect(updates.filter((u) => u.progress !== undefined).map((u) => [u.progress, u.statusText])).toEqual([
      [0, 'Performing pre-move checks...'],
      [5, 'Stopping Nextcloud...'],
      [9, 'Stopped service, starting the move...'],
      [10, 'Unmounting folders from old volume...'],
      [20, 'Moving data to new volume...'],
      [70, 'Moving data to new volume...'],
      [70, 'Making sure Nextcloud owns its files...'],
      [90, 'Mounting Nextcloud data...'],
      [95, 'Finishing moving Nextcloud...'],
      [98, 'Move complete, rebuilding...'],
      [100, 'Starting Nextcloud...'],
    ]);
    expect(updates.map((u) => u.statusText)).toContain('Rebuilding the system...');
    const log = (await deps.jobs.readLog(job.uid, 0, 100)).map((line) => line.message);
    expect(log.slice(0, 8)).toEqual([
      'Performing pre-move checks...',
      'Stopping Nextcloud...',
      'Stopped service, starting the move...',
      'Unmounting folders from old volume...',
      'Unmounting /var/lib/nextcloud',
      'Moving data to new volume...',
      'Moving /volumes/sdb/nextcloud to /volumes/sda1/nextcloud',
      'Making sure Nextcloud owns its files...',
    ]);
    expect(log).toContain('Mounting /volumes/sda1/nextcloud on /var/lib/nextcloud');
    expect(log.at(-1)).toBe('Finished: Nextcloud moved successfully.');
  });

  it('puts everything back when a step fails in the middle: folders on the old volume, mounted, running', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sda1', [['/var/vmail', 'virtualMail'], ['/var/sieve', 'virtualMail']]);
    const move = deps.host.moveFolder.bind(deps.host);
    deps.host.moveFolder = async (from, to) => {
      await move(from, to);
      if (from === '/volumes/sda1/sieve') throw new Error('No space left on device');
    };

    const started = await moveService(deps, 'simple-nixos-mailserver', 'sdb');
    const job = await finished(deps, started.job.uid);

    expect(job).toMatchObject({
      status: 'ERROR',
      error: 'MoveError could not move /volumes/sda1/sieve to /volumes/sdb/sieve : No space left on device',
      statusText: 'Moving data to new volume...',
    });
    expect(deps.host.calls.filter((c) => !/^(unitStates|pathInfo|blockDevices|folderSizes)/.test(c))).toEqual([
      'stopUnit dovecot.service',
      'stopUnit postfix.service',
      'unmount /var/vmail',
      'unmount /var/sieve',
      'moveFolder /volumes/sda1/vmail /volumes/sdb/vmail',
      'moveFolder /volumes/sda1/sieve /volumes/sdb/sieve',
      'moveFolder /volumes/sdb/vmail /volumes/sda1/vmail',
      'bindMount /volumes/sda1/sieve /var/sieve',
      'bindMount /volumes/sda1/vmail /var/vmail',
      'startUnit dovecot.service',
      'startUnit postfix.service',
    ]);
    expect(deps.host.units).toMatchObject({ 'dovecot.service': 'active', 'postfix.service': 'active' });
    expect(deps.userData.document.modules!['simple-nixos-mailserver']!.location).toBe('sda1');
  });

  it('keeps going when chown fails, showing the error on the running job', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sda1', [['/var/lib/bitwarden_rs', 'vaultwarden']]);
    rebuildSucceeds(deps);
    deps.host.failing.add('chownRecursive');
    const updates = recordJob(deps);

    const job = await finished(deps, (await moveService(deps, 'bitwarden', 'sdb')).job.uid);

    expect(job).toMatchObject({ status: 'FINISHED', result: 'Bitwarden moved successfully.' });
    expect(updates).toContainEqual(expect.objectContaining({ status: 'RUNNING', error: 'Service Bitwarden will not be able to write files: chownRecursive failed' }));
    expect(deps.userData.document.modules!.bitwarden!.location).toBe('sdb');
  });

  it('only records the location when none of the folders exists on disk', async () => {
    const deps = servicesDeps();

    const job = await finished(deps, (await moveService(deps, 'gitea', 'sdb')).job.uid);

    expect(job).toMatchObject({ status: 'FINISHED', result: 'Forgejo moved successfully (no folders).', statusText: 'NOT starting Forgejo', progress: 100 });
    expect(deps.userData.document.modules!.gitea!.location).toBe('sdb');
    expect(deps.host.calls.some((c) => /Unit |moveFolder|mount/.test(c))).toBe(false);
  });

  it('refuses a second move of the same service while the first runs, which goes on untouched', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sdb', [['/var/lib/nextcloud', 'nextcloud']]);
    rebuildSucceeds(deps);
    let release!: () => void;
    const moving = new Promise<void>((resolve) => (release = resolve));
    const move = deps.host.moveFolder.bind(deps.host);
    deps.host.moveFolder = async (from, to) => (await moving, move(from, to));

    const [first, second] = await Promise.allSettled([moveService(deps, 'nextcloud', 'sda1'), moveService(deps, 'nextcloud', 'sda1')]);
    release();

    expect(first).toMatchObject({ status: 'fulfilled', value: { code: 200 } });
    expect(second).toMatchObject({
      status: 'rejected',
      reason: { code: 'RESOURCE_BUSY', status: 409, message: 'Another job (Move Nextcloud) is already working on service:nextcloud' },
    });
    expect(deps.jobs.rows.size).toBe(1);
    expect((await finished(deps, (first as PromiseFulfilledResult<{ job: Job }>).value.job.uid)).status).toBe('FINISHED');
    expect(deps.host.calls.filter((c) => /^(stop|start)Unit phpfpm|^moveFolder/.test(c))).toEqual([
      'stopUnit phpfpm-nextcloud.service',
      'moveFolder /volumes/sdb/nextcloud /volumes/sda1/nextcloud',
      'startUnit phpfpm-nextcloud.service',
    ]);
  });

  it('starts again, after a failure, only the units this move stopped', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sda1', [['/var/vmail', 'virtualMail'], ['/var/sieve', 'virtualMail']]);
    deps.host.units['postfix.service'] = 'inactive';
    deps.host.failing.add('moveFolder');

    const job = await finished(deps, (await moveService(deps, 'simple-nixos-mailserver', 'sdb')).job.uid);

    expect(job.status).toBe('ERROR');
    expect(deps.host.calls.filter((c) => /^(stop|start)Unit/.test(c))).toEqual(['stopUnit dovecot.service', 'startUnit dovecot.service']);
    expect(deps.host.units['postfix.service']).toBe('inactive');
  });

  it('fails with systemctl\'s reason, moving nothing, when systemd cannot be asked whether the service runs', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sdb', [['/var/lib/nextcloud', 'nextcloud']]);
    deps.host.unitStates = async () => {
      throw new Error('systemctl exited with code 1: Failed to connect to bus: Host is down');
    };

    const job = await finished(deps, (await moveService(deps, 'nextcloud', 'sda1')).job.uid);

    expect(job.status).toBe('ERROR');
    expect(job.error).toContain('Failed to connect to bus: Host is down');
    expect(deps.host.calls.filter((c) => /^(stopUnit|moveFolder|unmount|bindMount)/.test(c))).toEqual([]);
    expect(deps.userData.document.modules!.nextcloud!.location).toBe('sdb');
  });

  it('does not roll back a move because a progress write failed', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sdb', [['/var/lib/nextcloud', 'nextcloud']]);
    rebuildSucceeds(deps);
    const update = deps.jobs.update.bind(deps.jobs);
    deps.jobs.update = async (uid, patch) => {
      if (patch.status === 'RUNNING' && patch.progress === 70) throw new Error('database connection lost');
      return update(uid, patch);
    };

    const job = await finished(deps, (await moveService(deps, 'nextcloud', 'sda1')).job.uid);

    expect(job).toMatchObject({ status: 'FINISHED', result: 'Nextcloud moved successfully.' });
    expect(deps.host.calls.filter((c) => c.startsWith('moveFolder'))).toEqual(['moveFolder /volumes/sdb/nextcloud /volumes/sda1/nextcloud']);
    expect(deps.userData.document.modules!.nextcloud!.location).toBe('sda1');
  });

  it('stops between steps when cancelled, puts everything back and ends as cancelled', async () => {
    const deps = servicesDeps();
    dataOn(deps, 'sda1', [['/var/vmail', 'virtualMail'], ['/var/sieve', 'virtualMail']]);
    let uid = '';
    const move = deps.host.moveFolder.bind(deps.host);
    deps.host.moveFolder = async (from, to) => {
      await move(from, to);
      if (from === '/volumes/sda1/vmail') await cancelJob(deps, uid, 'asked by the user');
    };

    uid = (await moveService(deps, 'simple-nixos-mailserver', 'sdb')).job.uid;
    const job = await finished(deps, uid);

    expect(job).toMatchObject({ status: 'ERROR', error: 'Job cancelled: asked by the user' });
    expect(deps.host.calls.filter((c) => /^(moveFolder|bindMount|startUnit)/.test(c))).toEqual([
      'moveFolder /volumes/sda1/vmail /volumes/sdb/vmail',
      'moveFolder /volumes/sdb/vmail /volumes/sda1/vmail',
      'bindMount /volumes/sda1/sieve /var/sieve',
      'bindMount /volumes/sda1/vmail /var/vmail',
      'startUnit dovecot.service',
      'startUnit postfix.service',
    ]);
    expect(deps.userData.document.modules!['simple-nixos-mailserver']!.location).toBe('sda1');
  });

  describe('refusals (nothing started, nothing written)', () => {
    const SUPPORT = 'Please report it to our support chats:\n#chat:selfprivacy.org on Matrix or @selprivacy_chat on Telegram.';

    it.each([
      ['an unknown service', 'ghost', 'sdb', (_d: Deps) => {}, 404, 'Service does not exist: ghost'],
      ['an unknown volume', 'nextcloud', 'sdz', (_d: Deps) => {}, 404, `No such volume: sdz. ${SUPPORT}`],
      ['a service that cannot move', 'monitoring', 'sdb', (_d: Deps) => {}, 400, 'MoveError: Prometheus is not movable'],
      ['a server without binds', 'nextcloud', 'sda1', (d: Deps) => void (d.userData.document.useBinds = false), 400, 'MoveError: Server is not using binds.'],
      ['the volume it is on', 'nextcloud', 'sdb', (_d: Deps) => {}, 400, 'MoveError: Nextcloud is already on volume sdb'],
      ['a volume without room', 'gitea', 'sdb', (d: Deps) => void (d.host.sizes['/var/lib/gitea'] = 17_000_000_001), 400, 'MoveError: Not enough space on the new volume.'],
      ['a volume not mounted under /volumes', 'gitea', 'sdc', (d: Deps) => {
        Object.assign(d.host.devices.find((v) => v.name === 'sdc')!, { mountpoints: ['/mnt/sdc'], fsavail: '9000000000' });
      }, 400, 'MoveError: Volume is not mounted.'],
      ['data on an unknown drive', 'gitea', 'sdb', (d: Deps) => void (d.userData.document.modules!.gitea!.location = 'sdx'), 400, 'MoveError: No such drive: sdx'],
      ['a missing data directory', 'gitea', 'sdb', (d: Deps) => void (d.host.paths['/var/lib/gitea'] = { exists: true, isDirectory: true, owner: 'gitea' }),
        400, 'MoveError: directory /volumes/sda1/gitea is not found.'],
      ['data that is not a directory', 'gitea', 'sdb', (d: Deps) => {
        d.host.paths['/var/lib/gitea'] = { exists: true, isDirectory: true, owner: 'gitea' };
        d.host.paths['/volumes/sda1/gitea'] = { exists: true, isDirectory: false, owner: 'gitea' };
      }, 400, 'MoveError: /volumes/sda1/gitea is not a directory.'],
      ['data owned by someone else', 'gitea', 'sdb', (d: Deps) => {
        d.host.paths['/var/lib/gitea'] = { exists: true, isDirectory: true, owner: 'gitea' };
        d.host.paths['/volumes/sda1/gitea'] = { exists: true, isDirectory: true, owner: 'root' };
      }, 400, 'MoveError: /volumes/sda1/gitea is not owned by gitea.'],
    ])('refuses %s', async (_case, id, volume, arrange, status, message) => {
      const deps = servicesDeps();
      arrange(deps);
      const before = structuredClone(deps.userData.document);

      await expect(moveService(deps, id, volume)).rejects.toMatchObject({ status, message });
      expect(deps.jobs.rows.size).toBe(0);
      expect(deps.userData.document).toEqual(before);
    });
  });
});
