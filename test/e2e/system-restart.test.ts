import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { JOB_FIELDS } from './system-helpers.js';

// `nixos-rebuild switch` restarts this API: a rebuild job still unfinished at the next start is taken as done,
// while any other interrupted job fails, saying where it stopped.

const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-rebuild-restart-'));
let server: TestServer | undefined;

afterAll(async () => {
  await server?.close();
});

async function jobs(s: TestServer): Promise<Record<string, any>[]> {
  return (await gql(s, `{ jobs { getJobs { ${JOB_FIELDS} } } }`, undefined, s.token)).body.data.jobs.getJobs;
}

describe('restart during a rebuild', () => {
  it('finishes the rebuild job as System rebuilt. and fails the other interrupted job', async () => {
    // Simulated work 100 times slower than real: both jobs stay RUNNING while the API stops.
    server = await startTestServer({ dataDir, timeScale: 100 });
    const rebuild = await gql(server, 'mutation { system { runSystemRebuild { job { uid } } } }', undefined, server.token);
    // a move works on another resource than the rebuild, so both run at once
    const move = await gql(server, 'mutation { services { moveService(input: {serviceId: "nextcloud", location: "sda1"}) { job { uid } } } }', undefined, server.token);
    const rebuildId = rebuild.body.data.system.runSystemRebuild.job.uid;
    const moveId = move.body.data.services.moveService.job.uid;
    const deadline = Date.now() + 10_000;
    while ((await jobs(server)).some((j) => j.status !== 'RUNNING')) {
      if (Date.now() > deadline) throw new Error('the jobs never ran');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    await server.close();
    server = await startTestServer({ dataDir });

    const byId = Object.fromEntries((await jobs(server)).map((j) => [j.uid, j]));
    expect(byId[rebuildId]).toMatchObject({
      typeId: 'system.nixos.rebuild',
      status: 'FINISHED',
      result: 'System rebuilt.',
      progress: 100,
      error: null,
      statusText: 'Starting the system rebuild...',
    });
    expect(byId[rebuildId]!.finishedAt).not.toBeNull();
    expect(byId[moveId]).toMatchObject({ typeId: 'services.nextcloud.move', status: 'ERROR', result: null });
    expect(byId[moveId]!.error).toMatch(/^Interrupted while (stopping Nextcloud to move it|moving Nextcloud) from sdb to sda1/);
    expect(byId[moveId]!.error).toMatch(/Nextcloud stopped \(phpfpm-nextcloud\.service/);
  }, 60_000);
});
