import { spawnEntry } from './api-process.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run cli -- <args>` as its own process (node on src/cli.ts) and collects its two streams apart. */
export async function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<CliRun> {
  const cli = spawnEntry('src/cli.ts', env, { args, umask: '077' });
  let stdout = '';
  let stderr = '';
  cli.child.stdout!.on('data', (chunk: string) => (stdout += chunk));
  cli.child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const { code } = await cli.exited;
  return { code, stdout, stderr };
}
