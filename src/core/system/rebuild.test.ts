import { describe, expect, it } from 'vitest';
import { FixedClock, silentLogger } from '../../../test/fakes/fake-deps.js';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { scriptUnitStates } from '../../../test/fakes/unit-timeline.js';
import { JobFailure, type ProgressReport } from '../jobs/job-runner.js';
import { REBUILD_UNIT, UPGRADE_UNIT, followSystemRebuild } from './rebuild.js';
import { startSystemRebuild, startSystemUpgrade } from './system-actions.js';

const MINUTE = 60_000;
const LOG = Array.from({ length: 12 }, (_, i) => `log line ${i + 1}`);
const LAST_TEN = LOG.slice(2).join('\n');

function setup() {
  const clock = new FixedClock(new Date('2026-05-01T12:00:00Z'));
  const host = new FakeHost();
  const reports: ProgressReport[] = [];
  const report = async (r: ProgressReport) => void reports.push(r);
  return { clock, host, reports, report, deps: { host, clock, logger: silentLogger } };
}

describe('followSystemRebuild', () => {
  it('starts the unit, mirrors its journal into statusText and returns System rebuilt. when it ends inactive', async () => {
    const { clock, host, reports, report, deps } = setup();
    scriptUnitStates(host, clock, REBUILD_UNIT, [[0, 'activating'], [2000, 'active'], [9000, 'inactive']]);
    host.followLines[REBUILD_UNIT] = ['building the system configuration...', 'activating the configuration...'];

    const outcome = await followSystemRebuild(deps, report);

    expect(outcome).toEqual({ result: 'System rebuilt.' });
    expect(reports).toEqual([
      { statusText: 'Starting the system rebuild...' },
      { statusText: 'Rebuilding the system...' },
      { statusText: 'building the system configuration...' },
      { statusText: 'activating the configuration...' },
    ]);
    expect(host.calls[0]).toBe(`startUnit ${REBUILD_UNIT}`);
    expect(host.calls).toContain(`followUnitLog ${REBUILD_UNIT}`);
    expect(host.calls.some((c) => c.startsWith('unitLog'))).toBe(false);
  });

  it('fails with the last ten journal lines when the unit ends failed', async () => {
    const { clock, host, report, deps } = setup();
    scriptUnitStates(host, clock, UPGRADE_UNIT, [[0, 'activating'], [1000, 'active'], [5000, 'failed']]);
    host.unitLogs[UPGRADE_UNIT] = LOG;

    const failure = await followSystemRebuild(deps, report, UPGRADE_UNIT).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(JobFailure);
    expect((failure as JobFailure).message).toBe(`System rebuild failed. Last log lines:\n${LAST_TEN}`);
    expect((failure as JobFailure).fields).toEqual({ error: `System rebuild failed. Last log lines:\n${LAST_TEN}` });
    expect(host.calls).toContain(`unitLog ${UPGRADE_UNIT} 10`);
    expect(host.calls[0]).toBe(`startUnit ${UPGRADE_UNIT}`);
  });

  it('times out after 5 minutes when the unit never becomes active', async () => {
    const { clock, host, reports, report, deps } = setup();
    const start = clock.now().getTime();
    scriptUnitStates(host, clock, REBUILD_UNIT, [[0, 'activating']]);
    host.unitLogs[REBUILD_UNIT] = ['waiting for lock'];

    await expect(followSystemRebuild(deps, report)).rejects.toMatchObject({
      message: 'System rebuild timed out. Last log lines:\nwaiting for lock',
    });
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(clock.now().getTime() - start).toBeLessThan(6 * MINUTE);
    expect(reports).toEqual([{ statusText: 'Starting the system rebuild...' }]);
  });

  it('times out after an hour when the unit keeps running', async () => {
    const { clock, host, report, deps } = setup();
    const start = clock.now().getTime();
    scriptUnitStates(host, clock, REBUILD_UNIT, [[0, 'active']]);

    await expect(followSystemRebuild(deps, report)).rejects.toMatchObject({
      message: 'System rebuild timed out. Last log lines:\n',
    });
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(60 * MINUTE);
    expect(clock.now().getTime() - start).toBeLessThan(61 * MINUTE);
  });

  it('reports an unexpected failure in statusText and leaves error empty', async () => {
    const { host, report, deps } = setup();
    // the unit is unknown to the fake host: systemctl answers 5

    const failure = (await followSystemRebuild(deps, report).catch((e: unknown) => e)) as JobFailure;

    expect(failure.fields).toEqual({ error: null, statusText: `systemctl start ${REBUILD_UNIT} exited with code 5` });
    expect(host.calls).toEqual([`startUnit ${REBUILD_UNIT}`]);
  });
});

describe('startSystemRebuild and startSystemUpgrade', () => {
  it('create the catalogue jobs and finish them with System rebuilt.', async () => {
    const ports = jobPorts();
    const host = new FakeHost();
    scriptUnitStates(host, ports.clock, REBUILD_UNIT, [[0, 'activating'], [1000, 'active'], [4000, 'inactive']]);
    host.followLines[REBUILD_UNIT] = ['the following new units were started: nginx.service'];
    const deps = { ...ports, host };

    const created = await startSystemRebuild(deps);
    await ports.background.drain();

    expect(created).toMatchObject({
      typeId: 'system.nixos.rebuild',
      name: 'Rebuild system',
      description: 'Applying the new system configuration by building the new NixOS generation.',
      status: 'CREATED',
    });
    expect(await ports.jobs.get(created.uid)).toMatchObject({
      status: 'FINISHED',
      result: 'System rebuilt.',
      progress: 100,
      error: null,
      statusText: 'the following new units were started: nginx.service',
    });
  });

  it('record a failed upgrade as ERROR with the failure text, and an unexpected one in statusText', async () => {
    const ports = jobPorts();
    const host = new FakeHost();
    scriptUnitStates(host, ports.clock, UPGRADE_UNIT, [[0, 'active'], [2000, 'failed']]);
    host.unitLogs[UPGRADE_UNIT] = ['error: flake update failed'];
    const deps = { ...ports, host };

    const upgrade = await startSystemUpgrade(deps);
    await ports.background.drain(); // one system job at a time
    // the rebuild unit is unknown to this host: systemctl answers 5
    const rebuild = await startSystemRebuild(deps);
    await ports.background.drain();

    expect(upgrade).toMatchObject({ typeId: 'system.nixos.upgrade', name: 'Upgrade system', description: 'Upgrading the system to the latest version.' });
    expect(await ports.jobs.get(upgrade.uid)).toMatchObject({
      status: 'ERROR',
      error: 'System rebuild failed. Last log lines:\nerror: flake update failed',
      result: null,
    });
    expect(await ports.jobs.get(rebuild.uid)).toMatchObject({
      status: 'ERROR',
      error: null,
      statusText: `systemctl start ${REBUILD_UNIT} exited with code 5`,
    });
  });
});
