import { describe, expect, it } from 'vitest';
import { jobPorts } from '../../test/fakes/in-memory-jobs.js';
import type { LogEntry } from '../core/logs/log-types.js';
import type { Deps } from '../core/ports.js';
import { SimulatedJournal } from '../infra/host/simulated-journal.js';
import { runCommand } from './run-command.js';

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `bench line ${i + 1}`);

function simulatedDeps(extra: Partial<Deps> = {}): Deps {
  return { settings: { hostKind: 'simulated', modulesDir: '/nonexistent' }, logs: new SimulatedJournal(() => new Date()), ...extra } as Deps;
}

async function collect(journal: SimulatedJournal, count: number, signal: AbortSignal): Promise<LogEntry[]> {
  const seen: LogEntry[] = [];
  for await (const entry of journal.follow({}, undefined, signal)) {
    seen.push(entry);
    if (seen.length === count) break;
  }
  return seen;
}

describe('simulate journal', () => {
  it('appends N numbered lines in order under the given unit, and a follower sees every one of them', async () => {
    const deps = simulatedDeps();
    const journal = deps.logs as SimulatedJournal;
    const stop = new AbortController();
    const followed = collect(journal, 2_500, stop.signal);

    const answer = await runCommand(deps, 'simulate journal', ['--lines', '2500', '--unit', 'nginx.service']);

    expect(answer).toEqual({ exitCode: 0, stdout: '{"lines":2500}\n', stderr: '' });
    const seen = await followed;
    expect(seen.map((entry) => entry.message)).toEqual(numbered(2_500));
    expect(new Set(seen.map((entry) => entry.systemdUnit))).toEqual(new Set(['nginx.service']));
    expect(journal.tail('nginx.service', 3)).toEqual(['bench line 2498', 'bench line 2499', 'bench line 2500']);
    stop.abort();
  });

  it('uses its own unit when none is given', async () => {
    const deps = simulatedDeps();
    await runCommand(deps, 'simulate journal', ['--lines', '2']);
    expect((deps.logs as SimulatedJournal).tail('log-simulation.service', 5)).toEqual(['bench line 1', 'bench line 2']);
  });

  it('is refused on a real host, and wrong arguments are usage errors', async () => {
    const onNixos = await runCommand({ ...simulatedDeps(), settings: { hostKind: 'nixos', modulesDir: '/etc/sp-modules' } }, 'simulate journal', ['--lines', '5']);
    const noLines = await runCommand(simulatedDeps(), 'simulate journal', []);
    const badLines = await runCommand(simulatedDeps(), 'simulate journal', ['--lines', '-3']);

    expect(onNixos.exitCode).toBe(1);
    expect(onNixos.stderr).toBe('simulate journal works on the simulated host only (SP_HOST=simulated); this server runs on a real host\n');
    expect(noLines.exitCode).toBe(2);
    expect(noLines.stderr).toMatch(/^simulate journal needs --lines N\nUsage:/);
    expect(badLines.exitCode).toBe(2);
  });
});

describe('simulate job-log', () => {
  it('prints the uid of a job at once; the job logs every numbered line in order, none dropped, then finishes', async () => {
    const ports = jobPorts();
    const deps = simulatedDeps(ports as unknown as Partial<Deps>);

    const answer = await runCommand(deps, 'simulate job-log', ['--lines', '12345']);

    expect(answer.exitCode).toBe(0);
    const { uid } = JSON.parse(answer.stdout) as { uid: string };
    expect(answer.stdout).toBe(`{"uid":"${uid}"}\n`);
    await ports.background.drain();
    const job = await ports.jobs.get(uid);
    expect(job).toMatchObject({ typeId: 'simulation.log', status: 'FINISHED' });
    const lines = ports.jobs.logs.get(uid)!;
    expect(lines.map((line) => line.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    expect(lines.map((line) => line.message)).toEqual(['Writing 12345 lines...', ...numbered(12_345), 'Finished: Wrote 12345 lines.']);
  });

  it('is refused on a real host', async () => {
    const ports = jobPorts();
    const answer = await runCommand({ ...simulatedDeps(ports as unknown as Partial<Deps>), settings: { hostKind: 'nixos', modulesDir: '/etc/sp-modules' } }, 'simulate job-log', ['--lines', '5']);
    expect(answer).toEqual({ exitCode: 1, stdout: '', stderr: 'simulate job-log works on the simulated host only (SP_HOST=simulated); this server runs on a real host\n' });
    expect(ports.jobs.rows.size).toBe(0);
  });
});
