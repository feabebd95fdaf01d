import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeBin } from '../support/fake-bin.js';

/**
 * Adds a fake program whose behaviour is a piece of JavaScript (streams over time, runs forever until
 * killed, looks at its arguments). It records its call in the same log as fakeBin's programs, plus its
 * working directory and pid. The body sees `args`, `say(stream, text)` and `sleep(ms)`.
 */
export function addScriptedProgram(fake: FakeBin, program: string, body: string): void {
  const log = join(fake.dir, 'calls.jsonl');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ program: ${JSON.stringify(program)}, args, stdin: '', cwd: process.cwd(), pid: process.pid }) + '\\n');
const say = (stream, text) => (stream === 'out' ? process.stdout : process.stderr).write(text);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
${body}
})();
`;
  const file = join(fake.dir, program);
  writeFileSync(file, script);
  chmodSync(file, 0o755);
}

/** A body that writes the given chunks to stdout/stderr `gapMs` apart (so their arrival order is certain). */
export function streamsBody(chunks: [stream: 'out' | 'err', text: string][], gapMs = 25, exitCode = 0): string {
  return `
  for (const [stream, text] of ${JSON.stringify(chunks)}) { say(stream, text); await sleep(${gapMs}); }
  process.exitCode = ${exitCode};`;
}
