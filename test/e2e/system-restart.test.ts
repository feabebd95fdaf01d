import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { JOB_FIELDS } from './system-helpers.js';

// `nixos-rebuild switch` restarts this API: a rebuild job still unfinished at the next start is taken as done,
// while any other interrupted job fails.

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
    const garbage = await gql(server, 'mutation { system { nixCollectGarbage { job { uid } } } }', undefined, server.token);
    const rebuildId = rebuild.body.data.system.runSystemRebuild.job.uid;
    const garbageId = garbage.body.data.system.nixCollectGarbage.job.uid;
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
    expect(byId[garbageId]).toMatchObject({ typeId: 'maintenance.collect_nix_garbage', status: 'ERROR', result: null });
    expect(byId[garbageId]!.error).toMatch(/interrupted/);
  }, 60_000);
});
