import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rest, startTestServer } from '../support/test-server.js';
import { query, statusBecomes, userdata } from './services-helpers.js';

// End-to-end over HTTP: the legacy REST services paths (rest.md §4.5, §5).

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const get = (path: string) => rest(server, 'GET', path, { token: server.token });

describe('GET /services/status', () => {
  it('needs a token', async () => {
    expect(await rest(server, 'GET', '/services/status')).toMatchObject({ status: 401, body: { error: 'Missing Authorization header' } });
  });

  it('reports 0 for running units and 4 for services whose units do not exist', async () => {
    const res = await get('/services/status');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ imap: 0, smtp: 0, http: 0, bitwarden: 0, gitea: 0, nextcloud: 0, ocserv: 4, pleroma: 4 });
  });

  it('reports 3 for a stopped service, 0 again once started', async () => {
    await query(server, 'mutation { services { stopService(serviceId: "bitwarden") { success } } }');
    await statusBecomes(server, 'bitwarden', 'INACTIVE');

    expect((await get('/services/status')).body.bitwarden).toBe(3);

    await query(server, 'mutation { services { startService(serviceId: "bitwarden") { success } } }');
    await statusBecomes(server, 'bitwarden', 'ACTIVE');

    expect((await get('/services/status')).body.bitwarden).toBe(0);
  });
});

describe('POST /services/<id>/enable|disable', () => {
  it.each([
    ['bitwarden', 'Bitwarden'],
    ['gitea', 'Gitea'],
    ['nextcloud', 'Nextcloud'],
    ['ocserv', 'OpenConnect VPN server'],
    ['pleroma', 'Pleroma'],
  ])('toggles modules.%s.enable with the legacy texts, keeping other keys', async (id, name) => {
    const before = userdata(server).modules[id] ?? {};

    const disabled = await rest(server, 'POST', `/services/${id}/disable`, { token: server.token });

    expect(disabled).toMatchObject({ status: 200, body: { status: 0, message: `${name} disabled` } });
    expect(userdata(server).modules[id]).toEqual({ ...before, enable: false });

    const enabled = await rest(server, 'POST', `/services/${id}/enable`, { token: server.token, json: { ignored: true } });

    expect(enabled).toMatchObject({ status: 200, body: { status: 0, message: `${name} enabled` } });
    expect(userdata(server).modules[id].enable).toBe(true);
    expect(userdata(server).modules[id].location ?? 'none').toBe(before.location ?? (id === 'ocserv' ? 'none' : 'sda1'));
  });

  it('answers 405 for another method and 401 without a token', async () => {
    expect((await rest(server, 'GET', '/services/gitea/enable', { token: server.token })).status).toBe(405);
    expect((await rest(server, 'POST', '/services/gitea/enable')).status).toBe(401);
  });
});

describe('GET /services/mailserver/dkim', () => {
  it('answers the DKIM record file base64-encoded, as a JSON string', async () => {
    const res = await get('/services/mailserver/dkim');

    expect(res.status).toBe(200);
    expect(typeof res.body).toBe('string');
    expect(Buffer.from(res.body, 'base64').toString('utf8')).toMatch(/^selector._domainkey IN TXT \( "v=DKIM1; k=rsa; " "p=.*\) ; ----- DKIM key selector for example.org\n$/);
  });

  it('answers 404 with the JSON string "DKIM file not found" when there is no record (no domain)', async () => {
    const file = join(server.dataDir, 'userdata.json');
    const original = readFileSync(file, 'utf8');
    const { domain: _domain, ...rest_ } = JSON.parse(original);
    writeFileSync(file, JSON.stringify(rest_, null, 4));
    try {
      const res = await get('/services/mailserver/dkim');

      expect(res).toMatchObject({ status: 404, body: 'DKIM file not found' });
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe('OpenAPI document', () => {
  it('documents the services paths', async () => {
    const doc = (await rest(server, 'GET', '/api/swagger.json')).body;

    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/services/status', '/services/nextcloud/enable', '/services/pleroma/disable', '/services/mailserver/dkim']));
  });
});
