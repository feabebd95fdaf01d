import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { type FakeAnswer, fakeBin } from '../support/fake-bin.js';
import { type KanidmSetup, kanidmSetup } from './kanidm-setup.js';

// The admin token's order and its one renewal (spec §13.1): cached token, file token, then a new one from the Kanidm CLI.

const RECOVERED_PASSWORD = 'Recovered-Pa55word-xyz';
const RECOVER_OUTPUT = `00000000-0000 INFO starting recovery\n{"status":"ok","output":"${RECOVERED_PASSWORD}"}\n`;

let setup: KanidmSetup;
afterEach(async () => {
  await setup?.kanidm.close();
});

function tokenFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sp-kanidm-token-')), 'token');
  writeFileSync(file, content);
  return file;
}

function kanidmCli(kanidmAnswers: FakeAnswer[] = [{ args: ['login'] }, { args: ['service-account'], stdout: 'Success\nfresh-token\n' }]) {
  return fakeBin({ kanidmd: [{ stdout: RECOVER_OUTPUT }], kanidm: kanidmAnswers });
}

/** What the fake programs saw, with the environment their calls ran in. */
function recorded(bin: ReturnType<typeof fakeBin>) {
  return bin.calls().map(({ program, args }) => [program, ...args].join(' '));
}

describe('Kanidm admin token', () => {
  it('uses the cached token as it is', async () => {
    setup = await kanidmSetup({ cached: 'good-token' });

    await setup.store.list();

    expect(setup.kanidm.requests.map((r) => r.authorization)).toEqual(['Bearer good-token']);
  });

  it('without a cached token reads the file (trimmed) and caches it', async () => {
    setup = await kanidmSetup({ cached: '', tokenFile: tokenFile('good-token\n') });

    await setup.store.list();

    expect(setup.kanidm.requests.map((r) => r.authorization)).toEqual(['Bearer good-token']);
    expect(setup.cache.token).toBe('good-token');
  });

  it('after "notauthenticated", probes the file token with GET /v1/person/root and retries once with it', async () => {
    setup = await kanidmSetup({ cached: 'stale-token', tokenFile: tokenFile('good-token') });

    const users = await setup.store.list();

    expect(users.map((u) => u.username)).toEqual(['alice', 'bob']);
    expect(setup.kanidm.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['GET', '/v1/person', 'Bearer stale-token'],
      ['GET', '/v1/person/root', 'Bearer good-token'],
      ['GET', '/v1/person', 'Bearer good-token'],
    ]);
    expect(setup.cache.token).toBe('good-token');
  });

  it('regenerates through kanidmd and kanidm when the file token is the rejected one; the password only in the environment', async () => {
    const bin = kanidmCli();
    setup = await kanidmSetup({ cached: 'stale-token', tokenFile: tokenFile('stale-token'), runner: new CommandRunner(bin.env) });
    setup.kanidm.tokens.add('fresh-token');

    await setup.store.setDisplayName('bob', 'Bobby');

    expect(recorded(bin)).toEqual([
      'kanidmd scripting recover-account idm_admin -c /etc/kanidm/server.toml',
      'kanidm login -D idm_admin',
      'kanidm service-account api-token generate --readwrite sp.selfprivacy-api.service-account kanidm_service_account_token',
    ]);
    expect(JSON.stringify(bin.calls())).not.toContain(RECOVERED_PASSWORD);
    expect(setup.kanidm.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['PATCH', '/v1/person/bob', 'Bearer stale-token'],
      ['PATCH', '/v1/person/bob', 'Bearer fresh-token'],
    ]);
    expect(setup.cache.token).toBe('fresh-token');
    expect((await setup.store.get('bob'))!.displayName).toBe('Bobby');
  });

  it('hands the recovered password to kanidm in KANIDM_PASSWORD', async () => {
    const seen = join(mkdtempSync(join(tmpdir(), 'sp-kanidm-env-')), 'password');
    const bin = kanidmCli();
    // kanidm is wrapped: the wrapper writes down the KANIDM_PASSWORD it got, then runs the recording fake
    writeFileSync(join(bin.dir, 'kanidm-recorder.js'), `require('fs').writeFileSync(${JSON.stringify(seen)}, process.env.KANIDM_PASSWORD || 'missing')`);
    const wrapped = fakeBin({ kanidmd: [{ stdout: RECOVER_OUTPUT }] });
    writeFileSync(
      join(wrapped.dir, 'kanidm'),
      `#!/bin/sh\nnode ${JSON.stringify(join(bin.dir, 'kanidm-recorder.js'))}\nexec ${JSON.stringify(join(bin.dir, 'kanidm'))} "$@"\n`,
      { mode: 0o755 },
    );
    setup = await kanidmSetup({ cached: 'stale-token', runner: new CommandRunner(wrapped.env) });
    setup.kanidm.tokens.add('fresh-token');

    await setup.store.list();

    expect(readFileSync(seen, 'utf8')).toBe(RECOVERED_PASSWORD);
    expect(recorded(bin)).toEqual([
      'kanidm login -D idm_admin',
      'kanidm service-account api-token generate --readwrite sp.selfprivacy-api.service-account kanidm_service_account_token',
    ]);
  });

  it('gives up after one renewal: a regenerated token Kanidm still refuses is a 500 "Сouldn\'t get a valid Kanidm token."', async () => {
    const bin = kanidmCli([{ args: ['login'] }, { args: ['service-account'], stdout: 'refused-token\n' }]);
    setup = await kanidmSetup({ cached: 'stale-token', runner: new CommandRunner(bin.env) });

    await expect(setup.store.list()).rejects.toMatchObject({
      code: 'IDENTITY_SERVICE_FAILED',
      status: 500,
      message: expect.stringContaining("Error: Сouldn't get a valid Kanidm token."),
    });
    expect(setup.kanidm.requests.map((r) => r.authorization)).toEqual(['Bearer stale-token', 'Bearer refused-token']);
  });

  it('reports a failing kanidm login as a 500 with its reason, never the password', async () => {
    const bin = kanidmCli([{ args: ['login'], exitCode: 1, stderr: `Error: authentication failed for ${RECOVERED_PASSWORD}\n` }]);
    setup = await kanidmSetup({ cached: 'stale-token', runner: new CommandRunner(bin.env) });

    const err = (await setup.store.list().catch((e: unknown) => e)) as Error;

    expect(err).toMatchObject({ code: 'IDENTITY_SERVICE_FAILED', message: expect.stringContaining('kanidm login -D idm_admin failed (exit code 1): Error: authentication failed for ***') });
    expect(err.message).not.toContain(RECOVERED_PASSWORD);
  });

  it('reports kanidmd output without a password as a 500', async () => {
    const bin = fakeBin({ kanidmd: [{ stdout: 'INFO nothing useful\n' }], kanidm: [] });
    setup = await kanidmSetup({ cached: '', runner: new CommandRunner(bin.env) });

    await expect(setup.store.list()).rejects.toMatchObject({
      code: 'IDENTITY_SERVICE_FAILED',
      message: expect.stringContaining('kanidmd scripting recover-account idm_admin -c /etc/kanidm/server.toml failed (exit code 0): no password in its output'),
    });
    expect(recorded(bin)).toEqual(['kanidmd scripting recover-account idm_admin -c /etc/kanidm/server.toml']);
  });

  it('renews once for concurrent requests refused together', async () => {
    const bin = kanidmCli();
    setup = await kanidmSetup({ cached: 'stale-token', runner: new CommandRunner(bin.env) });
    setup.kanidm.tokens.add('fresh-token');

    await Promise.all([setup.store.list(), setup.store.get('bob'), setup.store.listGroups()]);

    expect(recorded(bin).filter((c) => c.startsWith('kanidmd'))).toHaveLength(1);
  });
});

it('reports a missing Kanidm CLI as a 500 that names it', async () => {
  const bin = fakeBin({});
  setup = await kanidmSetup({ cached: '', runner: new CommandRunner({ ...bin.env, PATH: bin.dir }) });

  await expect(setup.store.list()).rejects.toMatchObject({
    code: 'IDENTITY_SERVICE_FAILED',
    message: expect.stringMatching(/kanidmd scripting recover-account idm_admin -c \/etc\/kanidm\/server\.toml could not run: .*ENOENT/),
  });
});
