import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeBin } from '../support/fake-bin.js';
import { FakeKanidm } from '../support/fake-kanidm.js';
import { freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { type TestServer, gql, rest, startTestServer } from '../support/test-server.js';

// What the app sees when Kanidm breaks (spec §13.3), and a refused admin token renewed by a real API process
// through the Kanidm CLI, then kept in the database across a restart (§13.1).

function seededKanidm(): FakeKanidm {
  const kanidm = new FakeKanidm('example.org');
  kanidm.addGroup('sp.full_users');
  kanidm.addGroup('sp.admins');
  kanidm.addPerson('alice', ['sp.admins', 'sp.full_users']);
  kanidm.addPerson('bob', ['sp.full_users']);
  return kanidm;
}

function tokenFile(token: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sp-kanidm-token-')), 'token');
  writeFileSync(file, `${token}\n`);
  return file;
}

const CREATE = 'mutation { users { createUser(user: {username: "carol"}) { success code message user { username } } } }';

describe('a broken Kanidm behind the API', () => {
  let kanidm: FakeKanidm;
  let server: TestServer;
  beforeAll(async () => {
    kanidm = seededKanidm();
    await kanidm.start();
    kanidm.tokens.add('admin-token');
    server = await startTestServer({ env: { SP_KANIDM_URL: kanidm.url, KANIDM_ADMIN_TOKEN_FILE: tokenFile('admin-token') } });
  });
  afterAll(async () => {
    await server?.close();
    await kanidm?.close();
  });

  it('a dropped connection: the mutation fails with code 500 and the reason, the query with a clear error', async () => {
    kanidm.force('drop');
    const created = await gql(server, CREATE, {}, server.token);
    kanidm.force('drop');
    const listed = await gql(server, '{ users { allUsers { username } } }', {}, server.token);

    expect(created.body.data.users.createUser).toEqual({
      success: false,
      code: 500,
      message: expect.stringContaining('Error: Kanidm is not responding to requests.'),
      user: null,
    });
    expect(listed.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Kanidm is not responding to requests.') })]);
    expect(JSON.stringify(listed.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('garbage: "No JSON found in Kanidm response." over GraphQL and legacy REST', async () => {
    kanidm.force({ status: 200, body: '<html>maintenance</html>' }, { status: 200, body: '<html>maintenance</html>' });

    const listed = await gql(server, '{ users { allUsers { username } } }', {}, server.token);
    const legacy = await rest(server, 'GET', '/users', { token: server.token });

    expect(listed.body.errors?.[0].message).toContain(`Endpoint: ${kanidm.url}/v1/person\nMethod: GET\nError: No JSON found in Kanidm response.`);
    expect(legacy.status).toBe(500);
    expect(JSON.stringify(legacy.body)).toContain('No JSON found in Kanidm response.');
  });

  it('"accessdenied": code 500 with Kanidm access issue; nothing was created', async () => {
    kanidm.force({ status: 403, body: '"accessdenied"' });

    const created = await gql(server, CREATE, {}, server.token);

    expect(created.body.data.users.createUser).toMatchObject({ success: false, code: 500, message: expect.stringContaining('Error: Kanidm access issue') });
    expect(kanidm.persons.has('carol')).toBe(false);
  });
});

describe('a refused admin token, renewed by an API process', () => {
  let kanidm: FakeKanidm;
  let api: ReturnType<typeof spawnApi> | undefined;
  afterEach(async () => {
    if (api) await stopApi(api);
    await kanidm?.close();
  });

  it('regenerates the token with kanidmd and kanidm (password in the environment), then reuses it after a restart', async () => {
    kanidm = seededKanidm();
    await kanidm.start();
    kanidm.tokens.add('fresh-token');
    const bin = fakeBin({
      kanidmd: [{ stdout: '{"status":"ok","output":"Recovered-Pa55"}\n' }],
      kanidm: [{ args: ['login'] }, { args: ['service-account'], stdout: 'fresh-token\n' }],
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-kanidm-'));
    const env = { PATH: bin.env.PATH, SP_KANIDM_URL: kanidm.url, KANIDM_ADMIN_TOKEN_FILE: tokenFile('stale-token') };
    api = spawnApi(dataDir, await freePort(), env);
    await untilHealthy(api);
    const token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();

    const first = await gql(api, '{ users { allUsers { username } } }', {}, token);
    await stopApi(api);
    const firstOutput = api.output();
    api = spawnApi(dataDir, await freePort(), env);
    await untilHealthy(api);
    const second = await gql(api, '{ users { getUser(username: "bob") { username } } }', {}, token);

    expect(first.body).toEqual({ data: { users: { allUsers: [{ username: 'alice' }, { username: 'bob' }] } } });
    expect(second.body).toEqual({ data: { users: { getUser: { username: 'bob' } } } });
    expect(bin.calls().map((c) => [c.program, ...c.args].join(' '))).toEqual([
      'kanidmd scripting recover-account idm_admin -c /etc/kanidm/server.toml',
      'kanidm login -D idm_admin',
      'kanidm service-account api-token generate --readwrite sp.selfprivacy-api.service-account kanidm_service_account_token',
    ]);
    expect(kanidm.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`)).toEqual([
      'GET /v1/person Bearer stale-token',
      'GET /v1/person Bearer fresh-token',
      'GET /v1/person/bob Bearer fresh-token',
    ]);
    expect(firstOutput).toContain('Kanidm refused the admin token; renewing it');
    expect(firstOutput).toContain('making a new Kanidm admin token with the Kanidm CLI');
    expect(firstOutput).not.toContain('Recovered-Pa55');
    expect(api.output()).not.toContain('Recovered-Pa55');
    expect(api.output()).not.toContain('fresh-token');
  }, 90_000);
});
