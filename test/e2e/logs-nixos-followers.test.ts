import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sampleUserData } from '../../src/infra/host/sample-userdata.js';
import { openEventSource, readEvents } from '../support/event-source.js';
import { type FakeBin, fakeBin } from '../support/fake-bin.js';
import { type TestServer, startTestServer } from '../support/test-server.js';
import { isAlive } from '../infra/nixos-machine.js';
import { addScriptedProgram } from '../infra/scripted-bin.js';

// The API on a NixOS host whose journalctl is a fake on PATH: live log subscribers over WebSocket and
// EventSource share one `journalctl --follow` per filter, and no such process outlives its subscribers,
// however they leave.

let server: TestServer;
let fake: FakeBin;
const originalPath = process.env.PATH;

const entry = (i: number, unit: string) =>
  JSON.stringify({ __CURSOR: `s=fa1e;i=${i.toString(16)}`, __REALTIME_TIMESTAMP: String(1_740_830_400_000_000 + i), PRIORITY: '6', _SYSTEMD_UNIT: unit, _SYSTEMD_SLICE: 'system.slice', MESSAGE: `fake line ${i}` });

beforeAll(async () => {
  fake = fakeBin({ systemctl: [{ stdout: '' }], du: [{ stdout: '' }] });
  // pages print two entries and exit; a follow prints an entry every 30 ms until it is killed
  addScriptedProgram(fake, 'journalctl', `
    const unit = (args.find((a) => a.startsWith('_SYSTEMD_UNIT=')) || '_SYSTEMD_UNIT=nginx.service').slice(14);
    const entry = ${entry.toString()};
    if (!args.includes('--follow')) { say('out', entry(1, unit) + '\\n' + entry(2, unit) + '\\n'); return; }
    for (let i = 3; ; i += 1) { say('out', entry(i, unit) + '\\n'); await sleep(30); }`);
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

/** The `journalctl --follow` processes started so far, and which of them still run. */
function followers(): { started: number; running: number } {
  const calls = (fake.calls() as unknown as { program: string; args: string[]; pid: number }[]).filter((c) => c.program === 'journalctl' && c.args.includes('--follow'));
  return { started: calls.length, running: calls.filter((c) => isAlive(c.pid)).length };
}

function client(): Client {
  return createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${server.token}` }, retryAttempts: 0 });
}

describe('journalctl followers on NixOS', () => {
  it('one per filter for many WebSocket and EventSource subscribers, none left once they have gone', async () => {
    const sockets = [client(), client(), client()];
    const subscriptions = sockets.flatMap((c) => Array.from({ length: 5 }, () => c.iterate<{ logEntries: { message: string } }>({ query: 'subscription { logEntries { message cursor } }' })));
    const streams = await Promise.all(Array.from({ length: 4 }, () => openEventSource(`${server.url}/services/simple-nixos-mailserver/logstream?lines=0`, { authorization: `Bearer ${server.token}` })));
    const raw = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${server.token}` } }));
    raw.once('message', () => raw.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: 'subscription { logEntries { message } }' } })));

    const firsts = await Promise.all(subscriptions.map(async (s) => (await s.next()).value!.data!.logEntries.message));
    const streamed = await Promise.all(streams.map((s) => readEvents(s, () => true)));

    expect(firsts.every((m) => /^fake line \d+$/.test(m))).toBe(true);
    expect(streamed.every(([event]) => /^fake line \d+$/.test(JSON.parse(event!.data).message))).toBe(true);
    expect(followers()).toEqual({ started: 2, running: 2 });
    const follows = (fake.calls() as { program: string; args: string[] }[]).filter((c) => c.args.includes('--follow')).map((c) => c.args.slice(3));
    expect(follows).toEqual(expect.arrayContaining([['--follow', '--lines=0'], ['--follow', '--lines=0', '--', '_SYSTEMD_UNIT=dovecot.service', '_SYSTEMD_UNIT=postfix.service']]));

    await Promise.all(subscriptions.slice(0, 5).map((s) => s.return!()));
    await sockets[1]!.dispose();
    sockets[2]!.terminate();
    raw.terminate(); // gone without a word
    for (const s of streams) s.close();
    await sockets[0]!.dispose();

    await expect.poll(() => followers().running, { timeout: 10_000 }).toBe(0);
    expect(followers().started).toBe(2);
  });
});
