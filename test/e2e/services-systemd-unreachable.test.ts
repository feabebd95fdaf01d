import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleUserData } from '../../src/infra/host/sample-userdata.js';
import { SIMULATED_SERVICE_CATALOGUE } from '../../src/infra/services/simulated-service-catalogue.js';
import { type FakeBin, fakeBin } from '../support/fake-bin.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';

// The API on a NixOS machine where systemd cannot be asked (`systemctl` fails to reach the bus), and where
// forgejo.service is masked: statuses are unknown, not "stopped", and refusals keep systemctl's reason.

const BUS_DOWN = 'Failed to connect to bus: Host is down\n';
const MASKED = 'Failed to stop forgejo.service: Unit forgejo.service is masked.\n';

let server: TestServer;
let fake: FakeBin;
const originalPath = process.env.PATH;

beforeAll(async () => {
  fake = fakeBin({
    systemctl: [
      { args: ['show'], stderr: BUS_DOWN, exitCode: 1 },
      { args: ['stop', '--no-block', '--', 'forgejo.service'], stderr: MASKED, exitCode: 1 },
      { args: ['start', '--no-block', '--', 'forgejo.service'], stderr: BUS_DOWN, exitCode: 1 },
    ],
    du: [{ stdout: '' }],
  });
  process.env.PATH = `${fake.dir}${delimiter}${originalPath}`; // the NixOS host's command runner reads PATH at start
  const dir = mkdtempSync(join(tmpdir(), 'sp-nixos-no-bus-'));
  const modulesDir = join(dir, 'sp-modules');
  mkdirSync(modulesDir);
  for (const document of SIMULATED_SERVICE_CATALOGUE) {
    writeFileSync(join(modulesDir, (document.meta as { id: string }).id), JSON.stringify(document));
  }
  writeFileSync(join(dir, 'flake.nix'), '{ inputs = { sp-module-nextcloud.url = "x"; sp-module-gitea.url = "y"; }; }');
  writeFileSync(join(dir, 'userdata.json'), JSON.stringify(sampleUserData()));
  server = await startTestServer({
    env: { SP_HOST: 'nixos', SP_USERDATA_PATH: join(dir, 'userdata.json'), SP_SECRETS_PATH: join(dir, 'secrets.json'), SP_MODULES_DIR: modulesDir, SP_NIXOS_CONFIG_DIR: dir },
  });
});

afterAll(async () => {
  await server?.close();
  process.env.PATH = originalPath;
});

const mutate = async (op: string, id: string) => {
  const { body } = await gql(server, `mutation($id: String!) { services { ${op}(serviceId: $id) { success code message service { id status } } } }`, { id }, server.token);
  return body.data?.services[op];
};

describe('when systemctl cannot connect to the bus', () => {
  it('shows every service OFF over GraphQL (the API itself ACTIVE), never INACTIVE', async () => {
    const { body } = await gql(server, '{ services { allServices { id status } } }', undefined, server.token);

    expect(body.errors).toBeUndefined();
    const statuses = Object.fromEntries(body.data.services.allServices.map((s: { id: string; status: string }) => [s.id, s.status]));
    expect(Object.keys(statuses)).toContain('gitea');
    for (const [id, status] of Object.entries(statuses)) expect(status, id).toBe(id === 'selfprivacy-api' ? 'ACTIVE' : 'OFF');
    expect(fake.calls().some((c) => c.program === 'systemctl' && c.args[0] === 'show')).toBe(true);
  });

  it('answers legacy /services/status with 1 for every key, as `systemctl status` exits without a bus', async () => {
    const res = await rest(server, 'GET', '/services/status', { token: server.token });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ imap: 1, smtp: 1, http: 1, bitwarden: 1, gitea: 1, nextcloud: 1, ocserv: 1, pleroma: 1 });
  });
});

describe('when systemctl refuses a unit command', () => {
  it('returns systemctl\'s reason in the mutation\'s message: a masked unit', async () => {
    expect(await mutate('stopService', 'gitea')).toEqual({
      success: false,
      code: 500,
      message: 'Failed to stop forgejo.service (systemctl exit code 1): Unit forgejo.service is masked.',
      service: { id: 'gitea', status: 'OFF' },
    });
  });

  it('returns systemctl\'s reason in the mutation\'s message: no bus', async () => {
    expect(await mutate('startService', 'gitea')).toMatchObject({
      success: false,
      code: 500,
      message: 'Failed to start forgejo.service (systemctl exit code 1): Failed to connect to bus: Host is down',
    });
  });
});
