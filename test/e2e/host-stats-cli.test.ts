import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { runCli } from '../support/cli-process.js';

// `host-stats` beside a running server answers from inside it: the host processes the server has run since it
// started (on the simulated host, the commands it stood in for), growing with what its requests ask of the host.

const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-host-stats-'));
let api: ApiProcess | undefined;

afterAll(async () => {
  if (api) await stopApi(api);
  rmSync(dataDir, { recursive: true, force: true });
});

const HOST_STATS_LINE = /^\{"hostProcesses":\d+\}\n$/;

async function hostStats(): Promise<number> {
  const run = await runCli({ DATA_DIR: dataDir }, ['host-stats']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(HOST_STATS_LINE);
  return (JSON.parse(run.stdout) as { hostProcesses: number }).hostProcesses;
}

describe('host-stats', () => {
  it('prints the running server\'s count of host processes as JSON, which a services status request raises', async () => {
    api = spawnApi(dataDir, await freePort());
    await untilHealthy(api);
    const token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();

    // The server measured its service folders (du) and listed block devices (lsblk) at start: a CLI counting
    // in its own process would print 0.
    const atStart = await hostStats();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the unit states' lifetime
    const response = await fetch(`${api.url}/services/status`, { headers: { authorization: `Bearer ${token}` } });
    const afterRequest = await hostStats();

    expect(response.status).toBe(200);
    expect(atStart).toBeGreaterThanOrEqual(2);
    expect(afterRequest).toBeGreaterThan(atStart);
  }, 120_000);

  it('takes no arguments', async () => {
    const run = await runCli({ DATA_DIR: dataDir }, ['host-stats', '--verbose', 'yes']);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/verbose/);
  }, 60_000);
});
