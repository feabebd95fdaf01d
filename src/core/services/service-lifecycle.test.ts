import { describe, expect, it } from 'vitest';
import { servicesDeps } from '../../../test/fakes/services-deps.js';
import { disableService, enableService, restartService, startService, stopService } from './service-lifecycle.js';
import { ServicesSnapshot } from './service-snapshot.js';
import { statusOf } from './service-fields.js';

describe('enableService / disableService', () => {
  it('enables a service in userdata, storing the system disk as its location when it has none', async () => {
    const deps = servicesDeps();

    await enableService(deps, 'pleroma');

    expect(deps.userData.document.modules!.pleroma).toEqual({ location: 'sda1', enable: true });
    expect(deps.host.calls.some((c) => /Unit /.test(c))).toBe(false); // no rebuild, no unit touched
  });

  it('keeps a stored location and other keys; a service without a location option gets none', async () => {
    const deps = servicesDeps();

    await enableService(deps, 'nextcloud');
    await enableService(deps, 'ocserv');

    expect(deps.userData.document.modules!.nextcloud).toEqual({ enable: true, location: 'sdb', subdomain: 'cloud', enableImagemagick: true });
    expect(deps.userData.document.modules!.ocserv).toEqual({ enable: true });
  });

  it('disables by writing enable = false only', async () => {
    const deps = servicesDeps();

    await disableService(deps, 'gitea');

    expect(deps.userData.document.modules!.gitea).toEqual({ enable: false, location: 'sda1', subdomain: 'git' });
  });

  it('refuses to toggle the mail server and unknown services, writing nothing', async () => {
    const deps = servicesDeps();

    await expect(enableService(deps, 'simple-nixos-mailserver')).rejects.toMatchObject({ status: 400, code: 'SERVICE_ACTION_UNSUPPORTED' });
    await expect(disableService(deps, 'simple-nixos-mailserver')).rejects.toMatchObject({ status: 400 });
    await expect(enableService(deps, 'ghost')).rejects.toMatchObject({ status: 404, message: 'Service not found' });
    expect(deps.userData.writes).toBe(0);
  });

  it('refuses a templated service whose module the system flake does not include', async () => {
    const deps = servicesDeps();
    deps.serviceDefinitions.installedIds = async () => new Set(['nextcloud']);

    await expect(enableService(deps, 'pleroma')).rejects.toMatchObject({
      status: 400,
      message: 'ServiceNotInstalledError: The system configuration does not include the module sp-module-pleroma; it cannot be enabled.',
    });
    expect(deps.userData.writes).toBe(0);
  });
});

describe('startService / stopService / restartService', () => {
  it('asks systemd about each unit in order, without waiting', async () => {
    const deps = servicesDeps();

    await stopService(deps, 'simple-nixos-mailserver');
    await startService(deps, 'simple-nixos-mailserver');
    await restartService(deps, 'monitoring');

    expect(deps.host.calls).toEqual([
      'stopUnit dovecot.service', 'stopUnit postfix.service',
      'startUnit dovecot.service', 'startUnit postfix.service',
      'restartUnit prometheus.service',
    ]);
  });

  it('forgets cached unit states so the next question sees the change', async () => {
    const deps = servicesDeps();
    const nextcloud = (await new ServicesSnapshot(deps).find('nextcloud'))!;
    expect(await statusOf(new ServicesSnapshot(deps), nextcloud)).toBe('ACTIVE');

    await stopService(deps, 'nextcloud');

    expect(await statusOf(new ServicesSnapshot(deps), nextcloud)).toBe('INACTIVE');
    expect(deps.host.calls.filter((c) => c.startsWith('unitStates'))).toHaveLength(2);
  });

  it('treats the API as always running: start and restart do nothing, stop is refused', async () => {
    const deps = servicesDeps();

    await startService(deps, 'selfprivacy-api');
    await restartService(deps, 'selfprivacy-api');
    await expect(stopService(deps, 'selfprivacy-api')).rejects.toMatchObject({ status: 400, message: 'tried to stop an always active service' });
    expect(deps.host.calls).toEqual([]);
  });

  it('keeps systemctl\'s reason for a refusal in the message', async () => {
    const deps = servicesDeps();
    deps.host.commandUnit = async (verb, unit) => ({ exitCode: 1, output: `Failed to ${verb} ${unit}: Unit ${unit} is masked.\n` });

    await expect(stopService(deps, 'gitea')).rejects.toMatchObject({
      status: 500,
      message: 'Failed to stop forgejo.service (systemctl exit code 1): Unit forgejo.service is masked.',
    });
  });

  it('reports a unit systemd does not know', async () => {
    const deps = servicesDeps();

    await expect(startService(deps, 'jitsi-meet')).rejects.toMatchObject({
      code: 'HOST_COMMAND_FAILED',
      message: 'Failed to start jitsi-videobridge2.service (systemctl exit code 5): Unit jitsi-videobridge2.service not found.',
    });
  });
});
