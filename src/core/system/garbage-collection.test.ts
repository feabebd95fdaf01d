import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/fakes/fake-deps.js';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { JobFailure, type ProgressReport } from '../jobs/job-runner.js';
import { collectGarbage, startGarbageCollection } from './garbage-collection.js';

const path = (i: number) => `/nix/store/${String(i).padStart(32, '0')}-pkg-${i}`;
const deadPaths = (n: number) => Array.from({ length: n }, (_, i) => `${path(i)}\n`).join('');
const deleting = (n: number) => Array.from({ length: n }, (_, i) => `deleting '${path(i)}'`);

function setup() {
  const host = new FakeHost();
  const reports: ProgressReport[] = [];
  const report = async (r: ProgressReport) => void reports.push(r);
  return { host, reports, report, deps: { host, logger: silentLogger } };
}

describe('collectGarbage', () => {
  it('drops old generations, counts dead paths, reports progress in steps of at least 5 and parses the freed size', async () => {
    const { host, reports, report, deps } = setup();
    host.deadPaths = deadPaths(40);
    host.garbageLines = ['finding garbage collector roots...', ...deleting(40), 'deleting unused links...', '40 store paths deleted, 339.84 MiB freed'];

    const outcome = await collectGarbage(deps, report);

    expect(outcome).toEqual({ statusText: 'Garbage collection completed.', result: '339.84 MiB have been cleared' });
    expect(host.calls).toEqual(['deleteOldGenerations', 'printDeadStorePaths', 'collectGarbage']);
    expect(reports.slice(0, 2)).toEqual([
      { progress: 0, statusText: 'Calculate the number of dead packages...' },
      { progress: 0, statusText: 'Found 40 packages to remove!' },
    ]);
    const progress = reports.slice(2).map((r) => r.progress);
    expect(reports.slice(2).every((r) => r.statusText === 'Cleaning...')).toBe(true);
    // 2 of 40 paths are 5 %: every second deleted path moves the bar by exactly 5 points
    expect(progress).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100]);
  });

  it('reports a step only when the bar has moved by at least 5 points', async () => {
    const { host, reports, report, deps } = setup();
    host.deadPaths = deadPaths(7);
    host.garbageLines = [...deleting(7), '7 store paths deleted, 1.50 KiB freed'];

    const outcome = await collectGarbage(deps, report);

    // 1/7 = 14 %, 2/7 = 28 %, ... every deletion is a step of at least 5 points here
    expect(reports.slice(2).map((r) => r.progress)).toEqual([14, 28, 42, 57, 71, 85, 100]);
    expect(outcome.result).toBe('1.50 KiB have been cleared');

    const many = setup();
    many.host.deadPaths = deadPaths(300);
    many.host.garbageLines = [...deleting(300), '300 store paths deleted, 1024.00 MiB freed'];
    await collectGarbage(many.deps, many.report);
    const steps = many.reports.slice(2).map((r) => r.progress!);
    expect(steps).toHaveLength(20);
    for (let i = 1; i < steps.length; i += 1) expect(steps[i]! - steps[i - 1]!).toBeGreaterThanOrEqual(5);
  });

  it('finishes with Nothing to clear when no store path is dead', async () => {
    const { host, reports, report, deps } = setup();
    host.deadPaths = '';

    const outcome = await collectGarbage(deps, report);

    expect(outcome).toEqual({ statusText: 'Nothing to clear', result: 'System is clear' });
    expect(host.calls).toEqual(['deleteOldGenerations', 'printDeadStorePaths']);
    expect(reports).toEqual([{ progress: 0, statusText: 'Calculate the number of dead packages...' }]);
  });

  it('fails with Garbage collection failed when the summary has no freed size', async () => {
    const { host, report, deps } = setup();
    host.deadPaths = deadPaths(1);
    host.garbageLines = [...deleting(1), '1 store paths deleted, some bytes freed'];

    const failure = (await collectGarbage(deps, report).catch((e: unknown) => e)) as JobFailure;

    expect(failure).toBeInstanceOf(JobFailure);
    expect(failure.fields).toEqual({
      statusText: 'Garbage collection failed',
      error: "The garbage collector's summary did not say how much was freed: 1 store paths deleted, some bytes freed",
    });
  });

  it('fails instead of running forever when the collector ends without a summary', async () => {
    const { host, report, deps } = setup();
    host.deadPaths = deadPaths(2);
    host.garbageLines = deleting(2);

    await expect(collectGarbage(deps, report)).rejects.toMatchObject({
      fields: { statusText: 'Garbage collection failed', error: 'The garbage collector ended without reporting how much was freed.' },
    });
  });
});

describe('startGarbageCollection', () => {
  it('runs as the maintenance.collect_nix_garbage job and records the outcome on it', async () => {
    const ports = jobPorts();
    const host = new FakeHost();
    host.deadPaths = deadPaths(3);
    host.garbageLines = [...deleting(3), '3 store paths deleted, 0.42 MiB freed'];

    const job = await startGarbageCollection({ ...ports, host });
    await ports.background.drain();

    expect(job).toMatchObject({ typeId: 'maintenance.collect_nix_garbage', name: 'Collect garbage', description: 'Cleaning up unused packages' });
    expect(await ports.jobs.get(job.uid)).toMatchObject({
      status: 'FINISHED',
      progress: 100,
      statusText: 'Garbage collection completed.',
      result: '0.42 MiB have been cleared',
    });
    expect((await ports.jobs.readLog(job.uid, 0, 100)).map((line) => line.message)).toEqual([
      'Calculate the number of dead packages...',
      'Found 3 packages to remove!',
      ...deleting(3).slice(0, 1),
      'Cleaning...',
      ...deleting(3).slice(1),
      '3 store paths deleted, 0.42 MiB freed',
      'Finished: 0.42 MiB have been cleared',
    ]);
  });

  it('records a failure as ERROR with statusText Garbage collection failed', async () => {
    const ports = jobPorts();
    const host = new FakeHost();
    host.deadPaths = deadPaths(1);
    host.garbageLines = ['1 store paths deleted, ??? freed'];

    const job = await startGarbageCollection({ ...ports, host });
    await ports.background.drain();

    expect(await ports.jobs.get(job.uid)).toMatchObject({
      status: 'ERROR',
      statusText: 'Garbage collection failed',
      error: "The garbage collector's summary did not say how much was freed: 1 store paths deleted, ??? freed",
    });
  });
});
