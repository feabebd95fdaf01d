import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { NixosHost } from '../../src/infra/host/nixos-host.js';
import { type FakeAnswer, type FakeBin, fakeBin } from '../support/fake-bin.js';

// Shared by the NixosHost tests: a host whose programs are fakes, temporary folders removed after each test.

const temps: string[] = [];
export const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface Machine {
  fake: FakeBin;
  host: NixosHost;
  configDir: string;
  dkimDir: string;
  acmeAccountsDir: string;
  /** Every call as [program, ...args]. */
  argv(): string[][];
}

/**
 * A NixosHost whose programs are fakes. PATH holds only the fakes (and node, which runs them), so a
 * program the test did not fake fails with ENOENT instead of touching this machine. `extraEnv` lands in
 * the runner's base environment.
 */
export function machine(programs: Record<string, FakeAnswer[]>, extraEnv: Record<string, string> = {}): Machine {
  const fake = fakeBin(programs);
  temps.push(fake.dir);
  symlinkSync(process.execPath, join(fake.dir, 'node'));
  const configDir = tempDir('sp-nixos-config-');
  const dkimDir = tempDir('sp-dkim-');
  const acmeAccountsDir = join(tempDir('sp-acme-'), 'accounts');
  const env = { ...fake.env, PATH: fake.dir, ...extraEnv };
  const host = new NixosHost(new CommandRunner(env), { configDir, dkimDir, acmeAccountsDir });
  return { fake, host, configDir, dkimDir, acmeAccountsDir, argv: () => fake.calls().map((c) => [c.program, ...c.args]) };
}

export const collect = async (lines: AsyncIterable<string>) => {
  const seen: string[] = [];
  for await (const line of lines) seen.push(line);
  return seen;
};

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
