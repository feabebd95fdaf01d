import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../fakes/fake-deps.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A runtime on SP_HOST=nixos whose NixOS files live in a temporary folder. */
async function nixosRuntime(withUserdata: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'sp-nixos-runtime-'));
  dirs.push(root);
  const etc = join(root, 'etc-nixos');
  mkdirSync(etc);
  if (withUserdata) writeFileSync(join(etc, 'userdata.json'), '{\n    "domain": "example.org"\n}\n');
  const config = loadConfig({
    SP_HOST: 'nixos',
    DATA_DIR: join(root, 'data'),
    SP_USERDATA_PATH: join(etc, 'userdata.json'),
    SP_SECRETS_PATH: join(root, 'selfprivacy', 'secrets.json'),
    SP_MODULES_DIR: join(root, 'sp-modules'),
    SP_NIXOS_CONFIG_DIR: etc,
  });
  const runtime = await openRuntime(config, silentLogger, { maintenance: false });
  return { runtime, etc };
}

describe('the NixOS userdata file', () => {
  it('is never created from an empty document: a change on a missing one fails naming the file and writes nothing', async () => {
    const { runtime, etc } = await nixosRuntime(false);
    try {
      await expect(runtime.deps.userData.read()).rejects.toThrow(`${join(etc, 'userdata.json')} does not exist`);
      await expect(runtime.deps.userData.update((data) => void (data.timezone = 'Europe/Berlin'))).rejects.toThrow('does not exist');

      expect(readdirSync(etc)).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('is read and changed as usual when it exists; secrets.json may still start empty', async () => {
    const { runtime } = await nixosRuntime(true);
    try {
      await runtime.deps.userData.update((data) => void (data.timezone = 'Europe/Berlin'));

      expect(await runtime.deps.userData.read()).toMatchObject({ domain: 'example.org', timezone: 'Europe/Berlin' });
      expect(await runtime.deps.secrets.read()).toEqual({});
    } finally {
      await runtime.close();
    }
  });
});
