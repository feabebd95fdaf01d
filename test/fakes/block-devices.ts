import type { BlockDevice } from '../../src/core/host/host-types.js';

const device = (d: Partial<BlockDevice> & Pick<BlockDevice, 'name'>): BlockDevice => ({
  path: `/dev/${d.name}`,
  fsavail: null,
  fssize: null,
  fsused: null,
  size: '1000',
  fstype: null,
  mountpoints: [],
  label: null,
  uuid: null,
  model: null,
  serial: null,
  type: 'disk',
  ...d,
});

/** A system disk (sda1 on /), an expandable volume on /volumes/sdb, an unmounted ext4 disk sdc and a CD-ROM. */
export function sampleBlockDevices(): BlockDevice[] {
  return [
    device({ name: 'sda', size: '42949672960', model: 'QEMU HARDDISK' }),
    device({ name: 'sdb', size: '21474836480', fstype: 'ext4', uuid: 'uuid-sdb', model: 'Volume', serial: 'HC_Volume_1',
      mountpoints: ['/volumes/sdb'], fssize: '21000000000', fsused: '4000000000', fsavail: '17000000000' }),
    device({ name: 'sdc', size: '10737418240', fstype: 'ext4', uuid: 'uuid-sdc' }),
    device({ name: 'sr0', type: 'rom', fstype: 'ext4', uuid: 'uuid-rom' }),
    device({ name: 'sda1', type: 'part', size: '42948624384', fstype: 'ext4', uuid: 'uuid-sda1', mountpoints: ['/'],
      fssize: '42000000000', fsused: '9000000000', fsavail: '33000000000' }),
  ];
}
