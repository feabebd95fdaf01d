import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run-command.js';
import { sampleUserData } from '../../src/infra/host/sample-userdata.js';
import { SIMULATED_SERVICE_CATALOGUE } from '../../src/infra/services/simulated-service-catalogue.js';
import { type FakeBin, fakeBin } from '../support/fake-bin.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { SERVICE_FIELDS, eventually } from './services-helpers.js';

// The services screen on a NixOS machine (fake systemctl, lsblk and du on PATH): one request, or many at once,
// runs one `systemctl show` for every unit and nothing else; what changes on the machine shows after a second.

// The app's AllServices operation (its services screen), as the SelfPrivacy app sends it.
const APP_ALL_SERVICES = `query AllServices {
  services { allServices {
    description displayName dnsRecords { content displayName name priority recordType ttl }
    id isEnabled isMovable isRequired canBeBackedUp backupDescription status
    storageUsage { title usedSpace volume { name } } svgIcon url
  } }
}`;

const LSBLK = JSON.stringify({
  blockdevices: [
    { name: 'sda', path: '/dev/sda', type: 'disk', size: 42949672960, fstype: null, uuid: null, mountpoints: [null], children: [
      { name: 'sda1', path: '/dev/sda1', type: 'part', size: 42948624384, fstype: 'ext4', uuid: '7d1c6a3e-5f4b-4c2a-9e8d-0a1b2c3d4e5f',
        fsavail: '30000000000', fssize: '41000000000', fsused: '11000000000', mountpoints: ['/'], label: 'nixos', model: null, serial: null },
    ] },
  ],
});

// `systemctl show` prints one block per unit asked, in order.
const show = (activeState: string) => Array.from({ length: 60 }, () => `LoadState=loaded\nActiveState=${activeState}\n`).join('\n');
const programs = (activeState: string) => ({
  systemctl: [{ args: ['show'], stdout: show(activeState) }],
  lsblk: [{ stdout: LSBLK }],
  du: [{ stdout: '3650722201\t/var/lib/nextcloud\n' }],
});

let server: TestServer;
let running: FakeBin;
let stopped: FakeBin;
let userdataPath: string;
const originalPath = process.env.PATH;
const usePrograms = (bin: FakeBin) => (process.env.PATH = `${bin.dir}${delimiter}${originalPath}`); // read at each spawn
const calls = () => [...running.calls(), ...stopped.calls()];
const systemctlShows = () => calls().filter((c) => c.program === 'systemctl' && c.args[0] === 'show');
const pastCacheLifetime = () => new Promise((resolve) => setTimeout(resolve, 1100));

async function allServices(text = APP_ALL_SERVICES): Promise<any[]> {
  const { status, body } = await gql(server, text, undefined, server.token);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data.services.allServices;
}

async function hostProcesses(): Promise<number> {
  const answer = await runCommand(server.runtime.deps, 'host-stats', []);
  expect(answer).toMatchObject({ exitCode: 0, stderr: '' });
  return (JSON.parse(answer.stdout) as { hostProcesses: number }).hostProcesses;
}

beforeAll(async () => {
  running = fakeBin(programs('active'));
  stopped = fakeBin(programs('inactive'));
  usePrograms(running);
  const dir = mkdtempSync(join(tmpdir(), 'sp-nixos-host-processes-'));
  const modulesDir = join(dir, 'sp-modules');
  mkdirSync(modulesDir);
  for (const document of SIMULATED_SERVICE_CATALOGUE) {
    writeFileSync(join(modulesDir, (document.meta as { id: string }).id), JSON.stringify(document));
  }
  writeFileSync(join(dir, 'flake.nix'), '{ inputs = { sp-module-nextcloud.url = "x"; sp-module-gitea.url = "y"; sp-module-bitwarden.url = "z"; }; }');
  userdataPath = join(dir, 'userdata.json');
  writeFileSync(userdataPath, JSON.stringify(sampleUserData()));
  server = await startTestServer({
    env: { SP_HOST: 'nixos', SP_USERDATA_PATH: userdataPath, SP_SECRETS_PATH: join(dir, 'secrets.json'), SP_MODULES_DIR: modulesDir, SP_NIXOS_CONFIG_DIR: dir },
  });
  // at start the server measures the service folders (du) and lists the block devices (lsblk), in the background
  await eventually(async () => (['du', 'lsblk'].every((p) => calls().some((c) => c.program === p)) ? true : undefined));
}, 60_000);

afterAll(async () => {
  await server?.close();
  process.env.PATH = originalPath;
});

describe('host processes of the services screen', () => {
  it('runs exactly one systemctl, for every unit of every service, and no other program for one AllServices request', async () => {
    await pastCacheLifetime();
    const before = calls().length;
    const counted = await hostProcesses();

    const services = await allServices();

    const spawned = calls().slice(before);
    expect(spawned.map((c) => c.program)).toEqual(['systemctl']);
    expect(spawned[0]!.args.slice(0, 3)).toEqual(['show', '--property=Id,LoadState,ActiveState', '--']);
    expect(spawned[0]!.args).toEqual(expect.arrayContaining(['dovecot.service', 'postfix.service', 'phpfpm-nextcloud.service', 'forgejo.service', 'nginx.service']));
    expect(await hostProcesses()).toBe(counted + 1);
    expect(services.length).toBeGreaterThan(5);
    expect(services.filter((s) => s.id !== 'selfprivacy-api').every((s) => s.status === 'ACTIVE')).toBe(true);
    expect(services.find((s) => s.id === 'nextcloud').storageUsage).toMatchObject({ title: 'Nextcloud', usedSpace: '3650722201' });
  });

  it('runs one systemctl for ten simultaneous requests for every field of every service', async () => {
    await pastCacheLifetime();
    const before = calls().length;

    const answers = await Promise.all(Array.from({ length: 10 }, () => allServices(`{ services { allServices { ${SERVICE_FIELDS} } } }`)));

    expect(calls().slice(before).map((c) => c.program)).toEqual(['systemctl']);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it('runs nothing on the host for a query that asks for no status, storage or DNS records', async () => {
    await pastCacheLifetime();
    const before = calls().length;

    const services = await allServices('{ services { allServices { id displayName isEnabled isInstalled url configuration { fieldId } } } }');

    expect(calls().slice(before)).toEqual([]);
    expect(services.find((s) => s.id === 'gitea')).toMatchObject({ isEnabled: expect.any(Boolean), isInstalled: true });
  });

  it('answers /services/status and the services screen from the same systemctl', async () => {
    await pastCacheLifetime();
    const before = systemctlShows().length;

    const status = await rest(server, 'GET', '/services/status', { token: server.token });
    await allServices();
    const again = await rest(server, 'GET', '/services/status', { token: server.token });

    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ imap: 0, smtp: 0, http: 0, gitea: 0, nextcloud: 0 });
    expect(again.body).toEqual(status.body);
    expect(systemctlShows()).toHaveLength(before + 1);
  });

  it('shows a unit that stopped in the first request after the cached answer expired (about a second)', async () => {
    await allServices();
    usePrograms(stopped);
    try {
      await pastCacheLifetime();
      const services = await allServices();
      const status = await rest(server, 'GET', '/services/status', { token: server.token });

      expect(services.find((s) => s.id === 'gitea').status).toBe('INACTIVE');
      expect(status.body).toMatchObject({ imap: 3, smtp: 3, gitea: 3, nextcloud: 3 });
    } finally {
      usePrograms(running);
    }
  });

  it('shows a change of the userdata file in the next request, without running anything for it', async () => {
    const before = (await allServices()).find((s) => s.id === 'bitwarden');
    const processes = await hostProcesses();
    const userdata = sampleUserData();
    userdata.modules = { ...userdata.modules, bitwarden: { ...(userdata.modules?.bitwarden ?? {}), enable: !before.isEnabled } };
    writeFileSync(userdataPath, JSON.stringify(userdata));

    const after = (await allServices()).find((s) => s.id === 'bitwarden');

    expect(after.isEnabled).toBe(!before.isEnabled);
    expect(await hostProcesses()).toBeLessThanOrEqual(processes + 1); // at most the systemctl of an expired cache
  });
});
