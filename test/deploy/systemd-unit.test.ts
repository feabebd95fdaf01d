import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// deploy/selfprivacy-api.service: systemd accepts it without a warning, it runs the API the way the tests
// run it, and its sandboxing leaves the API able to do its job on NixOS.

const ROOT = new URL('../..', import.meta.url).pathname;
const UNIT = readFileSync(join(ROOT, 'deploy/selfprivacy-api.service'), 'utf8');
const NIXOS_NODE = '/run/current-system/sw/bin/node';
const hasVerify = spawnSync('systemd-analyze', ['--version']).status === 0;

/** Every `Key=value` of the [Service] section, in order (a key may repeat, as Environment= does). */
function serviceSettings(unit: string): [string, string][] {
  const section = unit.split(/^\[Service\]$/m)[1]!.split(/^\[/m)[0]!;
  return section
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

const settings = serviceSettings(UNIT);
const setting = (key: string) => settings.filter(([k]) => k === key).map(([, v]) => v);
const environment = Object.fromEntries(setting('Environment').map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));

/** systemd-analyze verify on a copy of `unit` whose node is this machine's (NixOS's path does not exist here). */
function verify(unit: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sp-unit-'));
  const file = join(dir, 'selfprivacy-api.service');
  writeFileSync(file, unit.replace(`ExecStart=${NIXOS_NODE}`, `ExecStart=${process.execPath}`));
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe('deploy/selfprivacy-api.service', () => {
  it.skipIf(!hasVerify)('passes systemd-analyze verify with no warning at all', () => {
    expect(verify(UNIT)).toEqual({ status: 0, output: '' });
  });

  it.skipIf(!hasVerify)('would be caught by that check: an unknown key or system-call group is reported', () => {
    expect(verify(UNIT.replace('UMask=0077', 'UMask=0077\nProtectEverything=yes')).output).toContain("Unknown key 'ProtectEverything'");
    expect(verify(UNIT.replace('@system-service @mount', '@system-service @mounts')).output).toContain('Unknown system call group');
  });

  it('runs the checkout as `npm start` does: node on scripts/start.mjs (the compiled API, rebuilt when older)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^node (--[a-z-]+(=\d+)? )*scripts\/start\.mjs$/);
    expect(setting('ExecStart')).toEqual([pkg.scripts.start.replace(/^node /, `${NIXOS_NODE} `)]); // node's options included
    expect(setting('WorkingDirectory')).toEqual(['/opt/selfprivacy-api-ts']);
    expect(Object.keys(pkg.dependencies)).toContain('esbuild'); // `npm ci --omit=dev` keeps the compiler
  });

  it('manages the NixOS host as root from a private data folder under /var/lib, and restarts on failure', () => {
    expect(setting('User')).toEqual(['root']);
    expect(environment).toMatchObject({ SP_HOST: 'nixos', HOST: '127.0.0.1', PORT: '5050', DATA_DIR: '/var/lib/selfprivacy-api-ts' });
    expect(environment.KANIDM_ADMIN_TOKEN_FILE).toMatch(/^\/run\/keys\//);
    expect(setting('StateDirectory')).toEqual(['selfprivacy-api-ts']);
    expect(setting('StateDirectoryMode')).toEqual(['0700']);
    expect(setting('UMask')).toEqual(['0077']);
    expect(setting('Restart')).toEqual(['on-failure']);
  });

  it('names only variables the API reads (plus NODE_ENV, HOME and PATH for node and the programs it runs)', () => {
    const config = readFileSync(join(ROOT, 'src/config.ts'), 'utf8');

    for (const name of Object.keys(environment).filter((n) => !['NODE_ENV', 'HOME', 'PATH'].includes(n))) {
      expect(config, name).toMatch(new RegExp(`env\\.${name}\\b|'${name}'`));
    }
  });

  it('sets no option that gives the service its own mount namespace (its bind mounts must reach the host)', () => {
    const namespacing = ['ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'PrivateMounts', 'PrivateUsers', 'DynamicUser',
      'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'TemporaryFileSystem', 'BindPaths', 'BindReadOnlyPaths', 'ProtectKernelTunables',
      'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectHostname', 'ProtectClock', 'ProtectProc', 'ProcSubset',
      'MountFlags', 'RootDirectory', 'RootImage'];

    expect(settings.map(([key]) => key).filter((key) => namespacing.includes(key))).toEqual([]);
    expect(setting('NoNewPrivileges')).toEqual(['yes']);
    expect(setting('SystemCallFilter')).toEqual(['@system-service @mount']);
    expect(setting('RestrictAddressFamilies')).toEqual(['AF_UNIX AF_INET AF_INET6 AF_NETLINK']);
  });
});

describe('a production install (npm ci --omit=dev)', () => {
  it('has every package the sources import at run time', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const files = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const imported = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(ROOT, 'src', file), 'utf8');
      // static imports and re-exports that are not type-only, side-effect imports, dynamic imports
      const specifiers = [
        ...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'/gms),
        ...text.matchAll(/^import\s+'([^']+)'/gm),
        ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
      ].map((m) => m[1]!);
      for (const spec of specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:'))) {
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }

    expect(imported.size).toBeGreaterThan(10);
    const missing = [...imported].filter((name) => !(name in pkg.dependencies) && !builtinModules.includes(name));
    expect(missing).toEqual([]);
  });
});
