import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GraphQLSchema, execute, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/core/ports.js';
import { ServiceMonitor } from '../../src/core/services/service-monitor.js';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { NixosHost } from '../../src/infra/host/nixos-host.js';
import { sampleUserData } from '../../src/infra/host/sample-userdata.js';
import { InProcessBackgroundWork } from '../../src/infra/runtime/background-work.js';
import { FileServiceDefinitions } from '../../src/infra/services/file-service-definitions.js';
import { SIMULATED_SERVICE_CATALOGUE } from '../../src/infra/services/simulated-service-catalogue.js';
import { buildApiSchema } from '../../src/resolvers/build-schema.js';
import { FixedClock, silentLogger } from '../fakes/fake-deps.js';
import { InMemoryBackupState } from '../fakes/in-memory-backup-state.js';
import { InMemoryDocumentStore } from '../fakes/in-memory-document-store.js';
import { type FakeBin, fakeBin } from '../support/fake-bin.js';
import { SERVICE_FIELDS } from '../e2e/services-helpers.js';

// The real NixOS adapter against fake programs on PATH: a request for every field of every service
// (plus volume usages and the required DNS records) runs `systemctl` at most once.

const LSBLK = JSON.stringify({
  blockdevices: [
    { name: 'sda', path: '/dev/sda', type: 'disk', size: 42949672960, fstype: null, uuid: null, mountpoints: [null], children: [
      { name: 'sda1', path: '/dev/sda1', type: 'part', size: 42948624384, fstype: 'ext4', uuid: '7d1c6a3e-5f4b-4c2a-9e8d-0a1b2c3d4e5f',
        fsavail: '30000000000', fssize: '41000000000', fsused: '11000000000', mountpoints: ['/'], label: 'nixos', model: null, serial: null },
    ] },
    { name: 'sdb', path: '/dev/sdb', type: 'disk', size: 21474836480, fstype: 'ext4', uuid: '1b2c3d4e-0000-4000-8000-000000000001',
      fsavail: '16000000000', fssize: '21000000000', fsused: '5000000000', mountpoints: ['/volumes/sdb'], label: null, model: 'Volume', serial: 'HC_1' },
  ],
});

// systemctl show prints one block per unit in the order asked; every unit is running here.
const SHOW = Array.from({ length: 40 }, () => 'LoadState=loaded\nActiveState=active\n').join('\n');

let bin: FakeBin;
let schema: GraphQLSchema;
let deps: Deps;

beforeAll(async () => {
  bin = fakeBin({
    systemctl: [{ args: ['show'], stdout: SHOW }],
    lsblk: [{ stdout: LSBLK }],
    du: [{ stdout: '3650722201\t/var/lib/nextcloud\n' }],
  });
  const root = mkdtempSync(join(tmpdir(), 'sp-services-nixos-'));
  const modulesDir = join(root, 'sp-modules');
  mkdirSync(modulesDir);
  for (const document of SIMULATED_SERVICE_CATALOGUE) {
    writeFileSync(join(modulesDir, (document.meta as { id: string }).id), JSON.stringify(document));
  }
  writeFileSync(join(root, 'flake.nix'), '{ inputs = { sp-module-nextcloud.url = "x"; sp-module-gitea.url = "y"; }; }');
  const clock = new FixedClock(new Date('2025-01-01T00:00:00Z'));
  const host = new NixosHost(new CommandRunner(bin.env), { configDir: root, dkimDir: join(root, 'dkim'), acmeAccountsDir: join(root, 'acme') });
  const background = new InProcessBackgroundWork(silentLogger);
  deps = {
    clock,
    logger: silentLogger,
    background,
    host,
    userData: new InMemoryDocumentStore(sampleUserData()),
    serviceDefinitions: new FileServiceDefinitions(modulesDir, join(root, 'flake.nix'), silentLogger),
    serviceMonitor: new ServiceMonitor({ host, clock, background, logger: silentLogger }),
    // no repository yet: every service's backupSnapshots is []
    backupState: new InMemoryBackupState(),
  } as unknown as Deps;
  schema = await buildApiSchema();
});

const QUERY = `{
  services { allServices { ${SERVICE_FIELDS} } }
  storage { volumes { name usages { title usedSpace ... on ServiceStorageUsage { service { id status isEnabled } } } } }
  system { domainInfo { requiredDnsRecords { recordType name } } }
}`;

async function run() {
  const context = { deps, caller: { device: { name: 'test' }, token: 't' }, clientKey: 'test' };
  return execute({ schema, document: parse(QUERY), contextValue: context });
}

describe('allServices on the NixOS host', () => {
  it('spawns systemctl once for every unit of every service, and answers every field', async () => {
    const result = await run();

    expect(result.errors).toBeUndefined();
    const systemctl = bin.calls().filter((c) => c.program === 'systemctl');
    expect(systemctl).toHaveLength(1);
    expect(systemctl[0]!.args.slice(0, 3)).toEqual(['show', '--property=Id,LoadState,ActiveState', '--']);
    expect(systemctl[0]!.args).toEqual(expect.arrayContaining(['dovecot.service', 'postfix.service', 'prometheus.service',
      'phpfpm-nextcloud.service', 'forgejo.service', 'jicofo.service', 'prosody.service', 'phpfpm-roundcube.service']));
    const services = (result.data as any).services.allServices;
    expect(services).toHaveLength(10);
    expect(services.every((s: any) => s.status === 'ACTIVE')).toBe(true);
    // Only the modules in the flake count as installed.
    expect(Object.fromEntries(services.map((s: any) => [s.id, s.isInstalled]))).toMatchObject({ nextcloud: true, gitea: true, bitwarden: false, pleroma: false });
  });

  it('lists block devices with one lsblk for the volumes, their usages and every service storage usage, shared by later requests', async () => {
    (deps.clock as FixedClock).advance(10 * 60 * 1000); // past any listing's lifetime: this request waits for a new one
    const before = bin.calls().filter((c) => c.program === 'lsblk').length;

    const result = await run();
    const again = await run();

    expect(result.errors).toBeUndefined();
    expect(again.errors).toBeUndefined();
    expect(bin.calls().filter((c) => c.program === 'lsblk')).toHaveLength(before + 1);
    expect((result.data as any).storage.volumes.map((v: any) => v.name).sort()).toEqual(['sda1', 'sdb']);
    expect((again.data as any).storage.volumes.map((v: any) => v.name).sort()).toEqual(['sda1', 'sdb']);
  });

  it('serves a second request within the second from the cache (no new systemctl), and asks again after it', async () => {
    const before = bin.calls().filter((c) => c.program === 'systemctl').length;

    await run();
    const cached = bin.calls().filter((c) => c.program === 'systemctl').length;
    (deps.clock as FixedClock).advance(1500);
    await run();
    const after = bin.calls().filter((c) => c.program === 'systemctl').length;

    expect(cached).toBe(before);
    expect(after).toBe(before + 1);
  });

  it('measures folder sizes with one du in the background, never on the request', async () => {
    const du = bin.calls().filter((c) => c.program === 'du');

    expect(du).toHaveLength(1);
    expect(du[0]!.args).toEqual(expect.arrayContaining(['-s', '-b', '/var/lib/nextcloud', '/var/vmail', '/var/lib/gitea']));
  });
});
