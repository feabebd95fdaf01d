import { describe, expect, it } from 'vitest';
import { LogFollowers } from '../../src/core/logs/log-followers.js';
import type { Logger } from '../../src/core/ports.js';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { JournalctlLogSource } from '../../src/infra/logs/journalctl-log-source.js';
import { fakeBin } from '../support/fake-bin.js';
import { isAlive } from './nixos-machine.js';
import { addScriptedProgram } from './scripted-bin.js';

// Lines as `journalctl -o json` prints them (trimmed of fields the API does not read).
const BOOT = 'b=6c7c6013a8674f7dbdbaf0f7a1be8d76;m=9f8b5b43';
const cursor = (i: number) => `s=739ad463348b4ceca5a9e69c95a3c93f;i=4ec${i.toString(16).padStart(2, '0')};${BOOT};t=5f6a1c3e8f2${i % 10};x=8b1d6dbbc4ba7c${i}`;
const record = (i: number, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    __CURSOR: cursor(i),
    __REALTIME_TIMESTAMP: String(1_740_830_400_000_000 + i * 1_000_000),
    __MONOTONIC_TIMESTAMP: '2676693827',
    _BOOT_ID: '6c7c6013a8674f7dbdbaf0f7a1be8d76',
    PRIORITY: '6',
    _SYSTEMD_UNIT: 'nginx.service',
    _SYSTEMD_SLICE: 'system.slice',
    MESSAGE: `line ${i}`,
    ...fields,
  });
const output = (lines: string[]) => `${lines.join('\n')}\n`;
const BASE = ['--no-pager', '--quiet', '--output=json'];

function recordingLogger() {
  const warnings: string[] = [];
  const logger: Logger = { info: () => {}, warn: (msg) => warnings.push(msg), error: () => {} };
  return { logger, warnings };
}

function source(fake: { env: NodeJS.ProcessEnv }, logger: Logger = recordingLogger().logger) {
  return new JournalctlLogSource(new CommandRunner(fake.env), logger);
}

describe('JournalctlLogSource pages', () => {
  it('reads the newest entries backwards with field matches, decodes byte-array messages, skips unreadable lines', async () => {
    const bytes = [...Buffer.from('caf\u00e9 \u00fcber')];
    const fake = fakeBin({
      journalctl: [{ stdout: output([record(3), '{"truncated', record(2, { MESSAGE: bytes, PRIORITY: '3' }), record(1, { MESSAGE: ['first', 'second'] })]) }],
    });
    const { logger, warnings } = recordingLogger();

    const entries = await source(fake, logger).page({ filter: { units: ['nginx.service'], slice: 'system.slice' }, limit: 3, from: 'newest' });

    expect(fake.calls().map((c) => c.args)).toEqual([[...BASE, '--reverse', '--lines=16', '--', '_SYSTEMD_UNIT=nginx.service', '_SYSTEMD_SLICE=system.slice']]);
    expect(entries).toEqual([
      { message: 'first', timestamp: new Date(1_740_830_401_000), priority: 6, systemdUnit: 'nginx.service', systemdSlice: 'system.slice', cursor: cursor(1) },
      { message: 'café über', timestamp: new Date(1_740_830_402_000), priority: 3, systemdUnit: 'nginx.service', systemdSlice: 'system.slice', cursor: cursor(2) },
      { message: 'line 3', timestamp: new Date(1_740_830_403_000), priority: 6, systemdUnit: 'nginx.service', systemdSlice: 'system.slice', cursor: cursor(3) },
    ]);
    expect(warnings).toEqual(['skipped a journal line that is not a journal entry']);
  });

  it('pages older entries from a cursor, reading on past empty messages', async () => {
    const firstBatch = Array.from({ length: 16 }, (_, k) => record(40 - k, { MESSAGE: k === 3 ? 'kept' : '' }));
    const fake = fakeBin({
      journalctl: [
        { args: [...BASE, `--after-cursor=${cursor(41)}`], stdout: output(firstBatch) },
        { args: [...BASE, `--after-cursor=${cursor(25)}`], stdout: output([record(24, { MESSAGE: null }), record(23), record(22)]) },
      ],
    });

    const entries = await source(fake).page({ filter: {}, limit: 2, from: 'olderThan', cursor: cursor(41) });

    expect(entries.map((e) => e.message)).toEqual(['line 23', 'kept']);
    expect(fake.calls().map((c) => c.args)).toEqual([
      [...BASE, `--after-cursor=${cursor(41)}`, '--reverse', '--lines=16'],
      [...BASE, `--after-cursor=${cursor(25)}`, '--reverse', '--lines=16'],
    ]);
  });

  it('pages newer entries forwards from a cursor, matching any of several units', async () => {
    const fake = fakeBin({ journalctl: [{ stdout: output([record(8), record(9)]) }] });

    const entries = await source(fake).page({ filter: { units: ['dovecot2.service', 'postfix.service'], slice: 'system.slice' }, limit: 5, from: 'newerThan', cursor: cursor(7) });

    expect(entries.map((e) => e.cursor)).toEqual([cursor(8), cursor(9)]);
    expect(fake.calls()[0]!.args).toEqual([...BASE, `--after-cursor=${cursor(7)}`, '--lines=16', '--', '_SYSTEMD_UNIT=dovecot2.service', '_SYSTEMD_UNIT=postfix.service', '_SYSTEMD_SLICE=system.slice']);
  });

  it('answers a cursor journalctl cannot seek to with INVALID_INPUT', async () => {
    const fake = fakeBin({ journalctl: [{ stderr: 'Failed to seek to cursor: Invalid argument\n', exitCode: 1 }] });

    await expect(source(fake).page({ filter: {}, limit: 5, from: 'newerThan', cursor: 'nonsense' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'Unknown journal cursor' });
  });
});

describe('JournalctlLogSource follows', () => {
  function followingJournal() {
    const fake = fakeBin({});
    // prints two entries, then one every 50 ms, and never exits by itself
    addScriptedProgram(fake, 'journalctl', `
      say('out', ${JSON.stringify(output([record(1), 'not json']))});
      for (let i = 2; ; i += 1) { say('out', ${JSON.stringify(record(0))}.replace('line 0', 'line ' + i) + '\\n'); await sleep(50); }`);
    return fake;
  }

  it('spawns one journalctl --follow per filter for many subscribers and kills it when the last leaves', async () => {
    const fake = followingJournal();
    const { logger, warnings } = recordingLogger();
    const followers = new LogFollowers({ logs: source(fake, logger), logger });

    const streams = Array.from({ length: 50 }, () => followers.subscribe({ units: ['nginx.service'] }));
    const firsts = await Promise.all(streams.map(async (s) => [(await s.next()).value!.entry.message, (await s.next()).value!.entry.message]));

    const calls = fake.calls() as unknown as { args: string[]; pid: number }[];
    expect(calls.map((c) => c.args)).toEqual([[...BASE, '--follow', '--lines=0', '--', '_SYSTEMD_UNIT=nginx.service']]);
    expect(firsts.every(([a, b]) => a === 'line 1' && b === 'line 2')).toBe(true);
    expect(warnings).toContain('skipped a journal line that is not a journal entry');
    expect(isAlive(calls[0]!.pid)).toBe(true);

    await Promise.all(streams.map((s) => s.return()));

    await expect.poll(() => isAlive(calls[0]!.pid), { timeout: 5000 }).toBe(false);
    expect(followers.followerCount).toBe(0);
  });

  it('follows from a cursor with --after-cursor', async () => {
    const fake = followingJournal();
    const stop = new AbortController();

    for await (const entry of source(fake).follow({}, cursor(5), stop.signal)) {
      expect(entry.message).toBe('line 1');
      stop.abort();
    }

    expect(fake.calls()[0]!.args).toEqual([...BASE, '--follow', `--after-cursor=${cursor(5)}`]);
  });
});
