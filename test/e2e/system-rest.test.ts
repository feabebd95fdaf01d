import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { form } from './rest-helpers.js';
import { editUserData, readUserData } from './system-helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const JSON_TYPE = { 'content-type': 'application/json' };
const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';
const call = (method: string, path: string, options: Parameters<typeof rest>[3] = {}) => rest(server, method, path, { token: server.token, ...options });

const hostStatePath = () => join(server.dataDir, 'simulated-host.json');
const hostState = () => JSON.parse(readFileSync(hostStatePath(), 'utf8'));

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('legacy REST: time zone', () => {
  it('GET answers the stored zone, or Europe/Uzhgorod when none is set', async () => {
    expect(await call('GET', '/system/configuration/timezone')).toMatchObject({ status: 200, body: 'Europe/Berlin' });

    editUserData(server, (data) => delete data.timezone);

    const res = await call('GET', '/system/configuration/timezone');
    expect(res).toMatchObject({ status: 200, body: 'Europe/Uzhgorod' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('PUT accepts the zone from a JSON object, the query string, a form or a bare JSON string', async () => {
    const attempts: [string, Parameters<typeof rest>[3]][] = [
      ['US/Eastern', { json: { timezone: 'US/Eastern' } }],
      ['Etc/GMT+3', { json: {}, headers: {} }],
      ['Europe/Kyiv', form({ timezone: 'Europe/Kyiv' })],
      ['Asia/Tokyo', { rawBody: '"Asia/Tokyo"', headers: JSON_TYPE }],
    ];
    for (const [zone, options] of attempts) {
      const path = zone === 'Etc/GMT+3' ? `/system/configuration/timezone?timezone=${encodeURIComponent(zone)}` : '/system/configuration/timezone';

      const res = await call('PUT', path, options);

      expect(res, zone).toMatchObject({ status: 200, body: 'Timezone changed' });
      expect(readUserData(server).timezone).toBe(zone);
    }
  });

  it('PUT rejects an unknown zone with {"error": "Invalid timezone"} and a missing one with the field message', async () => {
    const before = readUserData(server);

    const invalid = await call('PUT', '/system/configuration/timezone', { json: { timezone: 'Europe/Atlantis' } });
    const missing = await call('PUT', '/system/configuration/timezone', { json: {} });
    const bareNumber = await call('PUT', '/system/configuration/timezone', { rawBody: '42', headers: JSON_TYPE });

    expect(invalid).toMatchObject({ status: 400, body: { error: 'Invalid timezone' } });
    expect(missing).toMatchObject({ status: 400, body: { message: { timezone: MISSING } } });
    expect(bareNumber.status).toBe(400);
    expect(readUserData(server)).toEqual(before);
  });
});

describe('legacy REST: auto-upgrade', () => {
  it('GET fills absent keys with enable true / allowReboot false, keeping stored extras', async () => {
    editUserData(server, (data) => delete data.autoUpgrade);
    expect(await call('GET', '/system/configuration/autoUpgrade')).toMatchObject({ status: 200, body: { enable: true, allowReboot: false } });

    editUserData(server, (data) => (data.autoUpgrade = { channel: 'stable', allowReboot: true }));
    const res = await call('GET', '/system/configuration/autoUpgrade');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ channel: 'stable', allowReboot: true, enable: true });
  });

  it('PUT sets each given field with Python truthiness; no fields creates an empty section', async () => {
    editUserData(server, (data) => delete data.autoUpgrade);

    const empty = await call('PUT', '/system/configuration/autoUpgrade');
    expect(empty).toMatchObject({ status: 200, body: 'Auto-upgrade settings changed' });
    expect(readUserData(server).autoUpgrade).toEqual({});

    const set = await call('PUT', '/system/configuration/autoUpgrade', { json: { enable: 'false', allowReboot: 0 } });
    expect(set).toMatchObject({ status: 200, body: 'Auto-upgrade settings changed' });
    // legacy: every non-empty string is true, 0 is false
    expect(readUserData(server).autoUpgrade).toEqual({ enable: true, allowReboot: false });
  });
});

describe('legacy REST: NixOS units', () => {
  it('apply starts the rebuild unit and answers its exit code 0 as a bare number', async () => {
    const res = await call('GET', '/system/configuration/apply');

    expect(res).toMatchObject({ status: 200, body: 0 });
    expect(['activating', 'active']).toContain(hostState().units['sp-nixos-rebuild.service']);
    await until(() => hostState().units['sp-nixos-rebuild.service'] === 'inactive', 'the rebuild to end');
  });

  it('upgrade starts the upgrade unit; rollback the rollback unit', async () => {
    const generations = hostState().generations;

    expect(await call('GET', '/system/configuration/upgrade')).toMatchObject({ status: 200, body: 0 });
    expect(['activating', 'active']).toContain(hostState().units['sp-nixos-upgrade.service']);
    await until(() => hostState().units['sp-nixos-upgrade.service'] === 'inactive', 'the upgrade to end');

    expect(await call('GET', '/system/configuration/rollback')).toMatchObject({ status: 200, body: 0 });
    await until(() => hostState().generations === generations, 'the rollback');
  });

  it('a unit systemd does not know still answers 200, with the exit code 5', async () => {
    const state = hostState();
    delete state.units['sp-nixos-upgrade.service'];
    writeFileSync(hostStatePath(), JSON.stringify(state));

    expect(await call('GET', '/system/configuration/upgrade')).toMatchObject({ status: 200, body: 5 });
  });

  it('pull runs git pull in the configuration checkout', async () => {
    expect(await call('GET', '/system/configuration/pull')).toMatchObject({
      status: 200,
      body: { status: 0, message: 'Update completed successfully', data: 'Already up to date.\n' },
    });
  });
});

describe('legacy REST: system facts and reboot', () => {
  it('version, pythonVersion and reboot', async () => {
    expect(await call('GET', '/system/version')).toMatchObject({
      status: 200,
      body: { system_version: 'Linux my-server 6.6.63 #1-NixOS SMP PREEMPT_DYNAMIC Fri Nov 22 14:38:37 UTC 2024 x86_64 GNU/Linux' },
    });
    expect(await call('GET', '/system/pythonVersion')).toMatchObject({ status: 200, body: `Node.js ${process.version}` });
    expect(await call('GET', '/system/reboot')).toMatchObject({ status: 200, body: 'System reboot has started' });
  });
});

describe('legacy REST: SSH daemon settings', () => {
  it('GET answers both settings; absent keys read as true', async () => {
    expect(await call('GET', '/services/ssh')).toMatchObject({ status: 200, body: { enable: true, passwordAuthentication: false } });

    editUserData(server, (data) => (data.ssh = { rootKeys: ['ssh-ed25519 AAAA root@x'] }));

    expect(await call('GET', '/services/ssh')).toMatchObject({ status: 200, body: { enable: true, passwordAuthentication: true } });
  });

  it('PUT writes the given fields only, keeping the root keys', async () => {
    editUserData(server, (data) => (data.ssh = { enable: true, passwordAuthentication: false, rootKeys: ['ssh-ed25519 AAAA root@x'] }));

    const res = await call('PUT', '/services/ssh', { json: { enable: false } });
    expect(res).toMatchObject({ status: 200, body: 'SSH settings changed' });
    expect(readUserData(server).ssh).toEqual({ enable: false, passwordAuthentication: false, rootKeys: ['ssh-ed25519 AAAA root@x'] });

    await call('PUT', '/services/ssh', { json: { passwordAuthentication: 'yes' } });
    expect(readUserData(server).ssh).toEqual({ enable: false, passwordAuthentication: true, rootKeys: ['ssh-ed25519 AAAA root@x'] });
  });

  it('PUT with no fields creates an empty section; POST enable turns SSH on', async () => {
    editUserData(server, (data) => delete data.ssh);

    expect(await call('PUT', '/services/ssh')).toMatchObject({ status: 200, body: 'SSH settings changed' });
    expect(readUserData(server).ssh).toEqual({});

    const res = await call('POST', '/services/ssh/enable', { rawBody: '{"broken', headers: JSON_TYPE });
    expect(res).toMatchObject({ status: 200, body: { status: 0, message: 'SSH enabled' } });
    expect(readUserData(server).ssh).toEqual({ enable: true });
  });
});

describe('legacy REST: authentication', () => {
  it('every system path answers 401 without a token and changes nothing', async () => {
    const before = readUserData(server);
    const paths: [string, string][] = [
      ['GET', '/system/configuration/timezone'],
      ['PUT', '/system/configuration/timezone'],
      ['GET', '/system/configuration/autoUpgrade'],
      ['PUT', '/system/configuration/autoUpgrade'],
      ['GET', '/system/configuration/apply'],
      ['GET', '/system/configuration/rollback'],
      ['GET', '/system/configuration/upgrade'],
      ['GET', '/system/configuration/pull'],
      ['GET', '/system/reboot'],
      ['GET', '/system/version'],
      ['GET', '/system/pythonVersion'],
      ['GET', '/services/ssh'],
      ['PUT', '/services/ssh'],
      ['POST', '/services/ssh/enable'],
    ];
    for (const [method, path] of paths) {
      const res = await rest(server, method, path, method === 'GET' ? {} : { json: { timezone: 'UTC', enable: false } });
      expect(res, `${method} ${path}`).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
    }
    expect(readUserData(server)).toEqual(before);
  });

  it('a wrong method on a system path is 405', async () => {
    expect(await call('POST', '/system/version')).toMatchObject({ status: 405 });
  });
});

describe('legacy REST: OpenAPI document', () => {
  it('lists every system path with its methods', async () => {
    const res = await rest(server, 'GET', '/api/swagger.json');

    const methods = (p: string) => Object.keys(res.body.paths[p] ?? {}).sort();
    expect(methods('/system/configuration/timezone')).toEqual(['get', 'put']);
    expect(methods('/system/configuration/autoUpgrade')).toEqual(['get', 'put']);
    for (const path of ['apply', 'rollback', 'upgrade', 'pull']) expect(methods(`/system/configuration/${path}`)).toEqual(['get']);
    for (const path of ['/system/reboot', '/system/version', '/system/pythonVersion']) expect(methods(path)).toEqual(['get']);
    expect(methods('/services/ssh/enable')).toEqual(['post']);
    expect(methods('/services/ssh')).toEqual(expect.arrayContaining(['get', 'put']));
  });
});
