import { setImmediate as nextTurn } from 'node:timers/promises';
import { startSimulationLogJob } from '../core/jobs/simulation-log-job.js';
import { SimulatedJournal } from '../infra/host/simulated-journal.js';
import { type CliCommand, CommandError, UsageError, parseOptions } from './commands.js';

// Journal lines appended at once; between batches the event loop serves the journal's followers.
const JOURNAL_BATCH = 1_000;
const DEFAULT_UNIT = 'log-simulation.service';
const MAX_LINES = 10_000_000;

const ONLY_SIMULATED = (what: string) => `simulate ${what} works on the simulated host only (SP_HOST=simulated); this server runs on a real host`;

/** `simulate journal`: numbered lines in the simulated journal, for trying the logs screen and measuring log streams. */
export const simulateJournalCommand: CliCommand<{ lines: number; unit: string }> = {
  name: 'simulate journal',
  synopsis: '--lines N [--unit UNIT]',
  summary: `simulated host only: append N journal lines "bench line 1".."bench line N" (unit ${DEFAULT_UNIT} unless given), to try the logs screen or measure log streaming`,
  parse(args) {
    const { lines, unit } = parseOptions(args, ['lines', 'unit']);
    if (unit !== undefined && !/^[A-Za-z0-9@._:-]{1,256}$/.test(unit)) throw new UsageError('simulate journal: --unit must be a unit name such as nginx.service');
    return { lines: lineCount('simulate journal', lines), unit: unit ?? DEFAULT_UNIT };
  },
  async run(deps, { lines, unit }) {
    const journal = deps.logs;
    if (deps.settings.hostKind !== 'simulated' || !(journal instanceof SimulatedJournal)) throw new CommandError(ONLY_SIMULATED('journal'));
    for (let first = 1; first <= lines; first += JOURNAL_BATCH) {
      const last = Math.min(lines, first + JOURNAL_BATCH - 1);
      const batch = [];
      for (let i = first; i <= last; i += 1) batch.push({ unit, message: `bench line ${i}` });
      journal.appendAll(batch);
      if (last < lines) await nextTurn();
    }
    return `${JSON.stringify({ lines })}\n`;
  },
};

/** `simulate job-log`: a job whose log gets numbered lines, for trying the job log screens and measuring task log streams. */
export const simulateJobLogCommand: CliCommand<{ lines: number }> = {
  name: 'simulate job-log',
  synopsis: '--lines N',
  summary: 'simulated host only: start a job that writes N log lines "bench line 1".."bench line N"; prints its uid at once',
  parse(args) {
    const { lines } = parseOptions(args, ['lines']);
    return { lines: lineCount('simulate job-log', lines) };
  },
  async run(deps, { lines }) {
    if (deps.settings.hostKind !== 'simulated') throw new CommandError(ONLY_SIMULATED('job-log'));
    const job = await startSimulationLogJob(deps, lines);
    return `${JSON.stringify({ uid: job.uid })}\n`;
  },
};

function lineCount(command: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`${command} needs --lines N`);
  const n = /^\d{1,8}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LINES) throw new UsageError(`${command}: --lines must be a whole number from 1 to ${MAX_LINES}`);
  return n;
}

export const simulateCommands = [simulateJournalCommand, simulateJobLogCommand] as const;
