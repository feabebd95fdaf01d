import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listCommands } from '../../src/cli/commands.js';
import { runCli } from '../support/cli-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-cli-usage-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the CLI usage text', () => {
  it('is printed on stdout for --help, naming every registered command, without opening the database', async () => {
    const help = await runCli({ DATA_DIR: dataDir }, ['--help']);

    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage:\n/);
    for (const command of listCommands()) expect(help.stdout).toContain(`npm run --silent cli -- ${command.name}`);
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it('is printed on stderr with exit code 2 for an unknown command, with nothing opened', async () => {
    const wrong = await runCli({ DATA_DIR: dataDir }, ['tokens', 'delete']);

    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/^unknown command: tokens delete\nUsage:\n/);
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);
});
