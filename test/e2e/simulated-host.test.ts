import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { jobEnds, query, statusBecomes, statusOf } from './services-helpers.js';

// The simulated host as the app sees it over GraphQL: byte counts the app can parse as integers, and
// units that follow systemd when asked for the state they are already in.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const INTEGER = /^\d+$/;

async function lifecycle(op: 'stopService' | 'startService', id: string): Promise<{ success: boolean; service: { status: string } }> {
  const data = await query(server, `mutation($id: String!) { services { ${op}(serviceId: $id) { success service { status } } } }`, { id });
  return data.services[op];
}

describe('simulated byte counts', () => {
  it('reports total, free and used space of every volume, and every service usage, as integer strings', async () => {
    const data = await query(
      server,
      '{ storage { volumes { name totalSpace freeSpace usedSpace } } services { allServices { id storageUsage { usedSpace volume { totalSpace freeSpace usedSpace } } } } }',
    );

    expect(data.storage.volumes.length).toBeGreaterThan(0);
    for (const volume of data.storage.volumes) {
      expect(volume, volume.name).toMatchObject({ totalSpace: expect.stringMatching(INTEGER), freeSpace: expect.stringMatching(INTEGER), usedSpace: expect.stringMatching(INTEGER) });
    }
    for (const service of data.services.allServices) {
      expect(service.storageUsage.usedSpace, service.id).toMatch(INTEGER);
      if (service.storageUsage.volume) expect(Object.values(service.storageUsage.volume).every((v) => INTEGER.test(String(v))), service.id).toBe(true);
    }
  });
});

describe('simulated units asked for the state they are in', () => {
  it('leaves a stopped service inactive when it is stopped again', async () => {
    await lifecycle('stopService', 'nextcloud');
    await statusBecomes(server, 'nextcloud', 'INACTIVE');

    const again = await lifecycle('stopService', 'nextcloud');

    expect(again).toEqual({ success: true, service: { status: 'INACTIVE' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statusOf(server, 'nextcloud')).toBe('INACTIVE');
  });

  it('leaves a running service active when it is started again', async () => {
    await statusBecomes(server, 'gitea', 'ACTIVE');

    const again = await lifecycle('startService', 'gitea');

    expect(again).toEqual({ success: true, service: { status: 'ACTIVE' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statusOf(server, 'gitea')).toBe('ACTIVE');
  });
});

describe('simulated data folders', () => {
  const files = (...path: string[]) => join(server.dataDir, 'host-files', ...path);

  it('are real folders with sample files under DATA_DIR/host-files from the first start', () => {
    expect(readFileSync(files('volumes/sdb/nextcloud/welcome.txt'), 'utf8')).toContain('Nextcloud');
    expect(readdirSync(files('volumes/sda1/bitwarden_rs')).sort()).toEqual(['nested', 'sample.bin', 'welcome.txt']);
    expect(readFileSync(files('var/lib/jitsi-meet/nested/deeper/notes.md'), 'utf8')).toContain('# JitsiMeet');
  });

  it('move with their service: Bitwarden moved to the volume has its files there', async () => {
    const before = readFileSync(files('volumes/sda1/bitwarden_rs/sample.bin'));
    const data = await query(server, 'mutation { services { moveService(input: {serviceId: "bitwarden", location: "sdb"}) { success job { uid } } } }');
    expect(data.services.moveService.success).toBe(true);

    const job = await jobEnds(server, data.services.moveService.job.uid);

    expect(job.status).toBe('FINISHED');
    expect(readFileSync(files('volumes/sdb/bitwarden_rs/sample.bin')).equals(before)).toBe(true);
    expect(existsSync(files('volumes/sda1/bitwarden_rs'))).toBe(false);
  });
});
