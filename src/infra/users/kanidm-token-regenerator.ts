import { CoreError } from '../../core/errors.js';
import type { CommandRunner, RunOptions, RunResult } from '../host/command-runner.js';
import { KANIDM_ERRORS, kanidmErrorMessage } from './kanidm-messages.js';

const KANIDM_CLI_TIMEOUT_MS = 30_000;
const SERVER_CONFIG = '/etc/kanidm/server.toml';
const SERVICE_ACCOUNT = 'sp.selfprivacy-api.service-account';
const TOKEN_LABEL = 'kanidm_service_account_token';

/**
 * Makes a new admin token on the Kanidm host (spec §13.1): recovers idm_admin's password with kanidmd,
 * logs in with it and has the API's service account issue a read-write token. The password travels in
 * the environment only (argv is world-readable) and never reaches a message or a log line.
 */
export async function regenerateKanidmToken(runner: CommandRunner): Promise<string> {
  const recover = ['scripting', 'recover-account', 'idm_admin', '-c', SERVER_CONFIG];
  const recovered = await run(runner, 'kanidmd', recover, { timeoutMs: KANIDM_CLI_TIMEOUT_MS });
  const password = recovered.exitCode === 0 ? recoveredPassword(recovered.stdout) : undefined;
  if (!password) throw cliFailure(`kanidmd ${recover.join(' ')}`, recovered.exitCode, 'no password in its output');
  const env = { KANIDM_PASSWORD: password };
  const hide = (text: string) => text.split(password).join('***');
  const login = ['login', '-D', 'idm_admin'];
  const loggedIn = await run(runner, 'kanidm', login, { env, timeoutMs: KANIDM_CLI_TIMEOUT_MS });
  if (loggedIn.exitCode !== 0) throw cliFailure(`kanidm ${login.join(' ')}`, loggedIn.exitCode, hide(loggedIn.stderr));
  const generate = ['service-account', 'api-token', 'generate', '--readwrite', SERVICE_ACCOUNT, TOKEN_LABEL];
  const generated = await run(runner, 'kanidm', generate, { env, timeoutMs: KANIDM_CLI_TIMEOUT_MS });
  const token = generated.stdout.trim().split('\n').at(-1)?.trim();
  if (generated.exitCode !== 0 || !token) {
    throw cliFailure(`kanidm ${generate.join(' ')}`, generated.exitCode, hide(generated.stderr));
  }
  return token;
}

/** A program that cannot be started (not installed) or is killed at its time limit fails like one that exits non-zero. */
async function run(runner: CommandRunner, program: string, args: string[], options: RunOptions): Promise<RunResult> {
  try {
    return await runner.run(program, args, options);
  } catch (err) {
    throw cliFailure(`${program} ${args.join(' ')}`, -1, err instanceof Error ? err.message : String(err));
  }
}

/** kanidmd prints log lines too; the answer is the JSON line with an `output` field. */
function recoveredPassword(stdout: string): string | undefined {
  for (const line of stdout.split('\n')) {
    try {
      const parsed: unknown = JSON.parse(line);
      const output = (parsed as { output?: unknown } | null)?.output;
      if (typeof output === 'string' && output !== '') return output;
    } catch {
      // not the JSON line
    }
  }
  return undefined;
}

function cliFailure(command: string, exitCode: number, detail: string): CoreError {
  const how = exitCode < 0 ? 'could not run' : `failed (exit code ${exitCode})`;
  const error = `${command} ${how}: ${detail.trim().slice(0, 500)}`;
  return new CoreError('IDENTITY_SERVICE_FAILED', kanidmErrorMessage({ endpoint: 'kanidm CLI', method: 'CLI', error, description: KANIDM_ERRORS.noValidToken }));
}
