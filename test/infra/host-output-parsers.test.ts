import { describe, expect, it } from 'vitest';
import { parseLsblk, parseSystemctlShow } from '../../src/infra/host/host-output-parsers.js';
import { HETZNER_LSBLK, SYSTEMCTL_SHOW } from './recorded-output.js';

describe('parseSystemctlShow', () => {

  it('reads one block per unit, in the order asked', () => {
    const states = parseSystemctlShow(['dovecot2.service', 'postfix.service', 'gitea.service'], SYSTEMCTL_SHOW);
    expect([...states.values()]).toEqual([
      { unit: 'dovecot2.service', loaded: true, activeState: 'active' },
      { unit: 'postfix.service', loaded: true, activeState: 'failed' },
      { unit: 'gitea.service', loaded: false, activeState: 'inactive' },
    ]);
  });

  it('keys the result by the name asked, even when systemd answers with the canonical Id of an alias', () => {
    const output = 'Id=phpfpm-nextcloud.service\nLoadState=loaded\nActiveState=activating\n';
    expect(parseSystemctlShow(['nextcloud-alias.service'], output).get('nextcloud-alias.service')).toEqual({
      unit: 'nextcloud-alias.service',
      loaded: true,
      activeState: 'activating',
    });
  });

  it('reads units missing from the output (systemctl failed, printed nothing) as not loaded and inactive', () => {
    const states = parseSystemctlShow(['a.service', 'b.service'], '');
    expect(states.get('a.service')).toEqual({ unit: 'a.service', loaded: false, activeState: 'inactive' });
    expect(states.get('b.service')).toEqual({ unit: 'b.service', loaded: false, activeState: 'inactive' });
  });

  it('reads the last units as not loaded when the output stops early', () => {
    const states = parseSystemctlShow(['a.service', 'b.service'], 'Id=a.service\nLoadState=loaded\nActiveState=reloading\n');
    expect(states.get('a.service')).toEqual({ unit: 'a.service', loaded: true, activeState: 'reloading' });
    expect(states.get('b.service')).toEqual({ unit: 'b.service', loaded: false, activeState: 'inactive' });
  });

  it('reads a block without LoadState as not loaded, and one with properties in another order', () => {
    const output = 'Id=a.service\nActiveState=active\n\nActiveState=deactivating\nLoadState=loaded\nId=b.service\n';
    const states = parseSystemctlShow(['a.service', 'b.service'], output);
    expect(states.get('a.service')).toEqual({ unit: 'a.service', loaded: false, activeState: 'active' });
    expect(states.get('b.service')).toEqual({ unit: 'b.service', loaded: true, activeState: 'deactivating' });
  });

  it('tolerates odd spacing: blank lines with spaces, several blank lines, CRLF, padded lines, leading blank lines', () => {
    const output = '\n\nId=a.service\r\nLoadState=loaded \r\n  ActiveState=active\r\n \t \n\n\nId=b.service\nLoadState=masked\nActiveState= inactive\n\n\n';
    const states = parseSystemctlShow(['a.service', 'b.service'], output);
    expect(states.get('a.service')).toEqual({ unit: 'a.service', loaded: true, activeState: 'active' });
    expect(states.get('b.service')).toEqual({ unit: 'b.service', loaded: true, activeState: 'inactive' });
  });

  it('keeps "=" inside values and returns an empty map for no units', () => {
    const states = parseSystemctlShow(['a.service'], 'Id=a.service\nLoadState=loaded\nActiveState=active=odd\n');
    expect(states.get('a.service')?.activeState).toBe('active=odd');
    expect(parseSystemctlShow([], SYSTEMCTL_SHOW).size).toBe(0);
  });
});


describe('parseLsblk', () => {
  it('flattens children after every top-level device, keeps byte counts as decimal strings and drops null mountpoints', () => {
    const devices = parseLsblk(HETZNER_LSBLK);
    expect(devices.map((d) => d.name)).toEqual(['sda', 'sdb', 'sr0', 'sda1', 'sda14', 'sda15']);
    expect(devices[0]).toEqual({
      name: 'sda', path: '/dev/sda', fsavail: null, fssize: null, fsused: null, size: '40961572864', fstype: null,
      mountpoints: [], label: null, uuid: null, model: 'QEMU HARDDISK', serial: 'drive-scsi0-0-0-0', type: 'disk',
    });
    expect(devices[1]).toEqual({
      name: 'sdb', path: '/dev/sdb', fsavail: '10188570624', fssize: '10464022528', fsused: '4096', size: '10737418240',
      fstype: 'ext4', mountpoints: ['/volumes/sdb'], label: null, uuid: '1b2c3d4e-0000-4000-8000-000000000001',
      model: 'Volume', serial: 'HC_Volume_101010101', type: 'disk',
    });
    expect(devices[2]).toMatchObject({ name: 'sr0', type: 'rom', mountpoints: [], size: '1073741312' });
    expect(devices[3]).toEqual({
      name: 'sda1', path: '/dev/sda1', fsavail: '30820466688', fssize: '39973404672', fsused: '7466786816', size: '40842059264',
      fstype: 'ext4', mountpoints: ['/nix/store', '/'], label: 'nixos', uuid: '7d1c6a3e-5f4b-4c2a-9e8d-0a1b2c3d4e5f',
      model: null, serial: null, type: 'part',
    });
    expect(devices[4]).toMatchObject({ name: 'sda14', mountpoints: [], fsavail: null, size: '1048576' });
  });

  it('orders grandchildren after all children (breadth first), as the reference flattens them', () => {
    const json = JSON.stringify({
      blockdevices: [
        { name: 'vda', type: 'disk', size: 1, children: [{ name: 'vda1', type: 'part', size: 1, children: [{ name: 'cryptroot', type: 'crypt', size: 1 }] }, { name: 'vda2', type: 'part', size: 1 }] },
        { name: 'vdb', type: 'disk', size: 1 },
      ],
    });
    expect(parseLsblk(json).map((d) => d.name)).toEqual(['vda', 'vdb', 'vda1', 'vda2', 'cryptroot']);
  });

  it('reads old lsblk output: sizes as strings and a single `mountpoint` key (util-linux before 2.37)', () => {
    // DigitalOcean droplet, util-linux 2.34: every value is a string, one mountpoint per device.
    const json = `{
   "blockdevices": [
      {"name": "vda", "path": "/dev/vda", "fsavail": null, "fssize": null, "fstype": null, "fsused": null, "mountpoint": null, "label": null, "uuid": null, "size": "26843545600", "model": null, "serial": "", "type": "disk",
         "children": [
            {"name": "vda1", "path": "/dev/vda1", "fsavail": "20407504896", "fssize": "25821052928", "fstype": "ext4", "fsused": "5396746240", "mountpoint": "/", "label": "cloudimg-rootfs", "uuid": "0f5e8f64-2d30-4b0f-95d9-7c5fa3d9c1b2", "size": "26731282944", "model": null, "serial": null, "type": "part"}
         ]
      },
      {"name": "sda", "path": "/dev/sda", "fsavail": "", "fssize": "", "fstype": "ext4", "fsused": "", "mountpoint": null, "label": null, "uuid": "9b7f1a2c-1111-4222-8333-444455556666", "size": "10737418240", "model": "Volume", "serial": "abcd1234", "type": "disk"}
   ]
}`;
    const devices = parseLsblk(json);
    expect(devices.map((d) => d.name)).toEqual(['vda', 'sda', 'vda1']);
    expect(devices[2]).toMatchObject({ mountpoints: ['/'], fsavail: '20407504896', fssize: '25821052928', fsused: '5396746240', size: '26731282944' });
    expect(devices[1]).toMatchObject({ mountpoints: [], fsavail: null, fssize: null, fsused: null, model: 'Volume' });
    expect(devices[0]).toMatchObject({ mountpoints: [], serial: '' });
  });

  it('fills a missing path from the name and reads an empty listing as no devices', () => {
    expect(parseLsblk('{"blockdevices": [{"name": "loop0", "type": "loop", "size": 0}]}')[0]).toMatchObject({ path: '/dev/loop0', size: '0' });
    expect(parseLsblk('{"blockdevices": []}')).toEqual([]);
    expect(parseLsblk('{}')).toEqual([]);
  });

  it('throws on output that is not JSON (lsblk failed in an unexpected way)', () => {
    expect(() => parseLsblk('lsblk: unknown column: MOUNTPOINTS')).toThrow();
  });
});
