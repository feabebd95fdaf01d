import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** What one fake program answers: the first rule whose `args` prefix matches wins. */
export interface FakeAnswer {
  /** Matches when the call's arguments start with these (absent: any call). */
  args?: string[];
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Waits this long before answering (a slow remote). */
  delayMs?: number;
}

export interface FakeBin {
  dir: string;
  /** PATH with the fake programs first, for the adapter's CommandRunner. */
  env: NodeJS.ProcessEnv;
  /** Every call so far: program name, arguments, and what it read on stdin. */
  calls(): { program: string; args: string[]; stdin: string }[];
}

/**
 * Writes executables named after real programs (systemctl, lsblk ...) into a temporary folder.
 * Each records its argv and stdin to a log and prints the recorded output the test gave it.
 */
export function fakeBin(programs: Record<string, FakeAnswer[]>): FakeBin {
  const dir = mkdtempSync(join(tmpdir(), 'sp-fake-bin-'));
  const log = join(dir, 'calls.jsonl');
  writeFileSync(log, '');
  for (const [program, answers] of Object.entries(programs)) {
    const script = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
let stdin = '';
try { stdin = fs.readFileSync(0, 'utf8'); } catch {}
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ program: ${JSON.stringify(program)}, args, stdin }) + '\\n');
const answers = ${JSON.stringify(answers)};
const answer = answers.find((a) => !a.args || a.args.every((arg, i) => args[i] === arg)) || {};
const respond = () => {
  if (answer.stdout) process.stdout.write(answer.stdout);
  if (answer.stderr) process.stderr.write(answer.stderr);
  process.exitCode = answer.exitCode || 0;
};
if (answer.delayMs) setTimeout(respond, answer.delayMs);
else respond();
`;
    const file = join(dir, program);
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
  return {
    dir,
    env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` },
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { program: string; args: string[]; stdin: string }),
  };
}
