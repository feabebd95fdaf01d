import { type CliCommand, parseOptions } from './commands.js';

/**
 * `host-stats`: how many host processes (systemctl, lsblk, du, journalctl ...; the commands the simulated host
 * stands in for) the process that runs it has spawned since it started. Beside a running server it runs inside
 * the server, so it reports the server's count.
 */
export const hostStatsCommand: CliCommand<Record<string, never>> = {
  name: 'host-stats',
  synopsis: '',
  summary: 'print {"hostProcesses": N}: host processes run since the server started',
  parse(args) {
    parseOptions(args, []);
    return {};
  },
  async run(deps) {
    return `${JSON.stringify({ hostProcesses: deps.host.processCount() })}\n`;
  },
};
