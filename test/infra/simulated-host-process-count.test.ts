import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedHost } from '../../src/infra/host/simulated-host.js';
import { FixedClock, silentLogger } from '../fakes/fake-deps.js';

// The simulated host counts the commands it stands in for, as the NixOS host would run them.

const dir = mkdtempSync(join(tmpdir(), 'sp-sim-count-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the simulated host\'s process count', () => {
  it('counts one systemctl for the states of many units, one lsblk, one du for many folders, and nothing for files it reads', async () => {
    const host = new SimulatedHost(join(dir, 'simulated-host.json'), new FixedClock(new Date('2025-01-01T00:00:00Z')), silentLogger);
    expect(host.processCount()).toBe(0);

    await host.unitStates(['dovecot.service', 'postfix.service', 'nginx.service']);
    expect(host.processCount()).toBe(1);
    await host.blockDevices();
    await host.folderSizes(['/var/lib/nextcloud', '/var/lib/gitea', '/var/vmail']);
    expect(host.processCount()).toBe(3);
    await host.readDkimRecord('example.org');
    await host.networkAddresses();
    await host.acmeAccountUri();
    await host.unitStates([]);
    expect(host.processCount()).toBe(3);
    await host.stopUnit('nginx.service');
    await host.unitLog('nginx.service', 10);
    expect(host.processCount()).toBe(5);
  });
});
