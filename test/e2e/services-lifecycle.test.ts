import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';
import { query, rebuild, serviceById, statusBecomes, statusOf, userdata } from './services-helpers.js';

// End-to-end over HTTP: enable/disable/start/stop/restart (namespaced and deprecated root twins) on the
// simulated host, whose units follow systemd-like delays and whose rebuilds add/remove service units.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

type Op = 'enableService' | 'disableService' | 'stopService' | 'startService' | 'restartService';

async function mutate(op: Op, serviceId: string, variant: 'services' | 'root' = 'services') {
  const call = `${op}(serviceId: $id) { success code message service { id isEnabled status } }`;
  const data = await query(server, `mutation($id: String!) { ${variant === 'services' ? `services { ${call} }` : call} }`, { id: serviceId });
  return variant === 'services' ? data.services[op] : data[op];
}

describe('stopService / startService / restartService', () => {
  it('stops Nextcloud: the status passes through DEACTIVATING to INACTIVE, then start brings it back to ACTIVE', async () => {
    const stopped = await mutate('stopService', 'nextcloud');

    expect(stopped).toMatchObject({ success: true, code: 200, message: 'Service stopped.', service: { id: 'nextcloud' } });
    expect(['DEACTIVATING', 'INACTIVE']).toContain(stopped.service.status);
    await statusBecomes(server, 'nextcloud', 'INACTIVE');

    const started = await mutate('startService', 'nextcloud');

    expect(started).toMatchObject({ success: true, code: 200, message: 'Service started.' });
    expect(['ACTIVATING', 'ACTIVE']).toContain(started.service.status);
    await statusBecomes(server, 'nextcloud', 'ACTIVE');
  });

  it('restarts Forgejo through the deprecated root twin', async () => {
    const restarted = await mutate('restartService', 'gitea', 'root');

    expect(restarted).toMatchObject({ success: true, code: 200, message: 'Service restarted.', service: { id: 'gitea' } });
    expect(restarted.service.status).toBe('ACTIVATING');
    await statusBecomes(server, 'gitea', 'ACTIVE');
  });

  it('treats the API as always running: start and restart are no-ops, stop is refused with 400', async () => {
    expect(await mutate('startService', 'selfprivacy-api')).toMatchObject({ success: true, code: 200, message: 'Service started.' });
    expect(await mutate('restartService', 'selfprivacy-api')).toMatchObject({ success: true, code: 200 });
    expect(await mutate('stopService', 'selfprivacy-api', 'root')).toMatchObject({
      success: false, code: 400, message: 'tried to stop an always active service', service: { id: 'selfprivacy-api', status: 'ACTIVE' },
    });
  });

  it('answers 404 `Service not found` with no service for an unknown id', async () => {
    for (const op of ['stopService', 'startService', 'restartService', 'enableService', 'disableService'] as const) {
      expect(await mutate(op, 'no-such-service')).toEqual({ success: false, code: 404, message: 'Service not found', service: null });
    }
  });

  it('reports a systemd refusal: starting a service whose units do not exist (not enabled)', async () => {
    const result = await mutate('startService', 'ocserv');

    expect(result).toMatchObject({ success: false, code: 500, message: 'Failed to start ocserv.service (systemctl exit code 5): Unit ocserv.service not found.' });
  });
});

describe('enableService / disableService', () => {
  it('enables Pleroma in userdata (with the system disk as location); a rebuild brings its unit up', async () => {
    const enabled = await mutate('enableService', 'pleroma');

    expect(enabled).toMatchObject({ success: true, code: 200, message: 'Service enabled.', service: { id: 'pleroma', isEnabled: true, status: 'INACTIVE' } });
    expect(userdata(server).modules.pleroma).toEqual({ enable: true, location: 'sda1' });

    await rebuild(server);

    expect(await statusOf(server, 'pleroma')).toBe('ACTIVE');
  });

  it('disables Forgejo through the root twin, keeping its other settings; a rebuild removes its unit', async () => {
    const disabled = await mutate('disableService', 'gitea', 'root');

    expect(disabled).toMatchObject({ success: true, code: 200, message: 'Service disabled.', service: { isEnabled: false } });
    expect(userdata(server).modules.gitea).toEqual({ enable: false, location: 'sda1', subdomain: 'git' });
    expect(await statusOf(server, 'gitea')).toBe('ACTIVE');

    await rebuild(server);

    expect(await statusOf(server, 'gitea')).toBe('INACTIVE');
    // forgejo.service no longer exists: the legacy status says "no such unit"
    expect((await rest(server, 'GET', '/services/status', { token: server.token })).body.gitea).toBe(4);
  });

  it('refuses to enable or disable the mail server (400) and writes nothing', async () => {
    const before = userdata(server);

    expect(await mutate('enableService', 'simple-nixos-mailserver')).toMatchObject({
      success: false, code: 400, message: 'NotImplementedError: The mail server cannot be enabled; it is always on.',
      service: { id: 'simple-nixos-mailserver', isEnabled: true },
    });
    expect(await mutate('disableService', 'simple-nixos-mailserver', 'root')).toMatchObject({
      success: false, code: 400, message: 'NotImplementedError: The mail server cannot be disabled; it is always on.',
    });
    expect(userdata(server)).toEqual(before);
  });

  it('writes the monitoring flag', async () => {
    expect(await mutate('disableService', 'monitoring')).toMatchObject({ success: true, service: { isEnabled: false } });
    expect(userdata(server).modules.monitoring.enable).toBe(false);
    expect(await mutate('enableService', 'monitoring', 'root')).toMatchObject({ success: true, service: { isEnabled: true } });
    expect(userdata(server).modules.monitoring).toEqual({ enable: true, location: 'sda1' });
  });

  it('needs a token', async () => {
    const res = await gql(server, 'mutation { services { enableService(serviceId: "pleroma") { success } } }');

    expect(res.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('shows the service as the mutation left it', async () => {
    expect((await serviceById(server, 'pleroma', 'id isEnabled')).isEnabled).toBe(true);
  });
});
