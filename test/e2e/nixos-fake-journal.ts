import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { sampleUserData } from '../../src/infra/host/sample-userdata.js';
import { type FakeBin, fakeBin } from '../support/fake-bin.js';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { addScriptedProgram } from '../infra/scripted-bin.js';

/** One recorded `journalctl --follow` run of the fake. */
export interface FollowCall {
  args: string[];
  pid: number;
}

export interface NixosServerWithFakeJournal {
  /** The API under test (set once the suite's beforeAll has run). */
  readonly server: TestServer;
  readonly fake: FakeBin;
  /** Every `journalctl --follow` the API has started so far, in order. */
  followCalls(): FollowCall[];
}

/**
 * For the enclosing suite: the API on a NixOS host whose `journalctl` is a fake on PATH. A page prints two
 * entries and exits; a follow prints a numbered entry of its unit every `followIntervalMs` until it is
 * killed. With `cursorNamesProcess`, each cursor names the follower process that wrote it (as a real
 * cursor names its journal file), so entries from two followers never look alike.
 */
export function nixosServerWithFakeJournal(options: { followIntervalMs: number; cursorNamesProcess?: boolean }): NixosServerWithFakeJournal {
  let server: TestServer | undefined;
  let fake: FakeBin | undefined;
  const originalPath = process.env.PATH;
  beforeAll(async () => {
    fake = fakeBin({ systemctl: [{ stdout: '' }], du: [{ stdout: '' }] });
    addScriptedProgram(fake, 'journalctl', `
    const unit = (args.find((a) => a.startsWith('_SYSTEMD_UNIT=')) || '_SYSTEMD_UNIT=nginx.service').slice(14);
    const source = ${options.cursorNamesProcess ? 'process.pid.toString(16)' : "'fa1e'"};
    const entry = (i) => JSON.stringify({ __CURSOR: 's=' + source + ';i=' + i.toString(16), __REALTIME_TIMESTAMP: String(1740830400000000 + i), PRIORITY: '6', _SYSTEMD_UNIT: unit, _SYSTEMD_SLICE: 'system.slice', MESSAGE: 'fake line ' + i });
    if (!args.includes('--follow')) { say('out', entry(1) + '\\n' + entry(2) + '\\n'); return; }
    for (let i = 3; ; i += 1) { say('out', entry(i) + '\\n'); await sleep(${options.followIntervalMs}); }`);
    process.env.PATH = `${fake.dir}${delimiter}${originalPath}`; // the NixOS host's command runner reads PATH at start
    const dir = mkdtempSync(join(tmpdir(), 'sp-nixos-logs-'));
    const modulesDir = join(dir, 'sp-modules');
    mkdirSync(modulesDir);
    writeFileSync(join(dir, 'userdata.json'), JSON.stringify(sampleUserData()));
    server = await startTestServer({
      env: { SP_HOST: 'nixos', SP_USERDATA_PATH: join(dir, 'userdata.json'), SP_SECRETS_PATH: join(dir, 'secrets.json'), SP_MODULES_DIR: modulesDir, SP_NIXOS_CONFIG_DIR: dir },
    });
  });
  afterAll(async () => {
    await server?.close();
    process.env.PATH = originalPath;
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the NixOS test server is not started yet');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get fake() {
      return started(fake);
    },
    followCalls: () =>
      (started(fake).calls() as unknown as { program: string; args: string[]; pid: number }[])
        .filter((c) => c.program === 'journalctl' && c.args.includes('--follow'))
        .map(({ args, pid }) => ({ args, pid })),
  };
}
