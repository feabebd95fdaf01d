import { describe, expect, it } from 'vitest';
import { sampleBlockDevices } from '../../../test/fakes/block-devices.js';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { InMemoryDocumentStore } from '../../../test/fakes/in-memory-document-store.js';
import type { UserData } from '../userdata/userdata-types.js';
import { mountVolume, resizeVolume, unmountVolume } from './volume-mounts.js';

const SDB = { device: '/dev/disk/by-uuid/uuid-sdb', mountPoint: '/volumes/sdb', fsType: 'ext4' };

function setup(userData: UserData = { volumes: [SDB] }) {
  const host = new FakeHost();
  host.devices = sampleBlockDevices();
  return { host, userData: new InMemoryDocumentStore<UserData>(userData) };
}

describe('mountVolume', () => {
  it('adds a by-uuid entry at /volumes/<name>', async () => {
    const deps = setup();

    await mountVolume(deps, 'sdc');

    expect(deps.userData.document.volumes).toEqual([SDB, { device: '/dev/disk/by-uuid/uuid-sdc', mountPoint: '/volumes/sdc', fsType: 'ext4' }]);
    expect(deps.host.calls).toEqual(['blockDevices']);
  });

  it('creates the volumes list when there is none', async () => {
    const deps = setup({});

    await mountVolume(deps, 'sdb');

    expect(deps.userData.document).toEqual({ volumes: [SDB] });
  });

  it('refuses a volume already listed by uuid or by device path, writing nothing', async () => {
    const byPath = setup({ volumes: [{ device: '/dev/sdc', mountPoint: '/volumes/sdc', fsType: 'ext4' }] });
    const byUuid = setup();

    for (const [deps, name] of [[byPath, 'sdc'], [byUuid, 'sdb']] as const) {
      await expect(mountVolume(deps, name)).rejects.toMatchObject({
        code: 'VOLUME_ALREADY_MOUNTED',
        status: 409,
        message: 'Volume not mounted (already mounted?)',
      });
      expect(deps.userData.writes).toBe(0);
    }
  });

  it('answers VOLUME_NOT_FOUND for an unknown or unusable device', async () => {
    for (const name of ['sdz', 'sr0', 'sda']) {
      await expect(mountVolume(setup(), name)).rejects.toMatchObject({ code: 'VOLUME_NOT_FOUND', status: 404, message: 'Volume not found' });
    }
  });
});

describe('unmountVolume', () => {
  it('removes the by-uuid entry', async () => {
    const deps = setup({ volumes: [SDB, { device: '/dev/disk/by-uuid/uuid-sdc', mountPoint: '/volumes/sdc', fsType: 'ext4' }] });

    await unmountVolume(deps, 'sdb');

    expect(deps.userData.document.volumes).toEqual([{ device: '/dev/disk/by-uuid/uuid-sdc', mountPoint: '/volumes/sdc', fsType: 'ext4' }]);
  });

  it('refuses a volume that has no entry, and an unknown volume', async () => {
    const deps = setup();

    await expect(unmountVolume(deps, 'sdc')).rejects.toMatchObject({
      code: 'VOLUME_NOT_MOUNTED',
      status: 409,
      message: 'Volume not unmounted (already unmounted?)',
    });
    await expect(unmountVolume(deps, 'nope')).rejects.toMatchObject({ code: 'VOLUME_NOT_FOUND' });
    expect(deps.userData.writes).toBe(0);
  });
});

describe('resizeVolume', () => {
  it('runs resize2fs on the device path; its outcome does not matter', async () => {
    const deps = setup();

    await resizeVolume(deps, 'sdb');
    await resizeVolume(deps, 'sda1');

    expect(deps.host.calls.filter((c) => c.startsWith('resize'))).toEqual(['resizeFilesystem /dev/sdb', 'resizeFilesystem /dev/sda1']);
    await expect(resizeVolume(deps, 'sdq')).rejects.toMatchObject({ code: 'VOLUME_NOT_FOUND', message: 'Volume not found' });
    expect(deps.userData.writes).toBe(0);
  });
});
