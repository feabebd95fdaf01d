import { describe, expect, it } from 'vitest';
import { FakeHost } from '../../../test/fakes/fake-host.js';
import { pullConfiguration, pullRepositoryChanges, rebootSystem, rollbackSystem, startNixosUnit } from './system-actions.js';

function hostWithNixosUnits() {
  const host = new FakeHost();
  for (const unit of ['sp-nixos-rebuild.service', 'sp-nixos-rollback.service', 'sp-nixos-upgrade.service']) host.units[unit] = 'inactive';
  return host;
}

describe('system actions', () => {
  it('startNixosUnit starts the matching unit and hands back systemctl\u2019s exit code', async () => {
    const host = hostWithNixosUnits();

    expect(await startNixosUnit({ host }, 'rebuild')).toBe(0);
    expect(await startNixosUnit({ host }, 'rollback')).toBe(0);
    expect(await startNixosUnit({ host }, 'upgrade')).toBe(0);
    expect(await startNixosUnit({ host: new FakeHost() }, 'rebuild')).toBe(5);

    expect(host.calls).toEqual([
      'startUnit sp-nixos-rebuild.service',
      'startUnit sp-nixos-rollback.service',
      'startUnit sp-nixos-upgrade.service',
    ]);
  });

  it('rollbackSystem starts the rollback unit, and fails with HOST_COMMAND_FAILED when systemctl does', async () => {
    const host = hostWithNixosUnits();

    await rollbackSystem({ host });

    expect(host.calls).toEqual(['startUnit sp-nixos-rollback.service']);
    await expect(rollbackSystem({ host: new FakeHost() })).rejects.toMatchObject({
      code: 'HOST_COMMAND_FAILED',
      message: 'systemctl start sp-nixos-rollback.service exited with code 5',
    });
  });

  it('rebootSystem asks the host to reboot', async () => {
    const host = new FakeHost();

    await rebootSystem({ host });

    expect(host.calls).toEqual(['reboot']);
  });

  it('pullRepositoryChanges always answers that there is no repository', async () => {
    await expect(pullRepositoryChanges()).rejects.toMatchObject({
      code: 'NO_REPOSITORY',
      status: 400,
      message: 'There is no repository to pull changes from.',
    });
  });

  it('pullConfiguration reports git\u2019s exit code and output', async () => {
    const host = new FakeHost();
    host.pullOutcome = { exitCode: 1, output: 'fatal: not a git repository\n' };

    expect(await pullConfiguration({ host })).toEqual({ exitCode: 1, output: 'fatal: not a git repository\n' });
    expect(host.calls).toEqual(['pullConfiguration']);
  });
});
