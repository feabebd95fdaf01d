import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import { loadServiceDefinitions } from '../../src/core/services/service-registry.js';
import { FileServiceDefinitions } from '../../src/infra/services/file-service-definitions.js';

// The NixOS source of templated services: /etc/sp-modules files and the flake's sp-module inputs (§9.1, §9.6).

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = { info: () => {}, warn: (msg, fields) => void lines.push(`${msg} ${JSON.stringify(fields)}`), error: () => {} };
  return { logger, lines };
}

const definition = (id: string, name: string) => JSON.stringify({ meta: { id, name, systemdServices: [`${id}.service`] }, options: {} });

describe('FileServiceDefinitions', () => {
  it('lists valid definitions after the built-ins and skips broken ones with a log line each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-modules-'));
    writeFileSync(join(dir, 'hedgedoc'), definition('hedgedoc', 'HedgeDoc'));
    writeFileSync(join(dir, 'broken-json'), '{ "meta": ');
    writeFileSync(join(dir, 'no-options'), JSON.stringify({ meta: { id: 'no-options', name: 'X', systemdServices: [] } }));
    writeFileSync(join(dir, 'monitoring'), definition('monitoring', 'Not the built-in'));
    mkdirSync(join(dir, 'a-folder'));
    const { logger, lines } = recordingLogger();

    const services = await loadServiceDefinitions({ serviceDefinitions: new FileServiceDefinitions(dir, join(dir, 'flake.nix'), logger), logger });

    expect(services.map((s) => `${s.id}:${s.displayName}`)).toEqual([
      'simple-nixos-mailserver:Mail Server', 'selfprivacy-api:Selfprivacy API', 'monitoring:Prometheus', 'hedgedoc:HedgeDoc',
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^skipping unreadable service definition .*broken-json/);
    expect(lines[1]).toMatch(/^skipping invalid service definition .*no-options.*meta and options are required/);
  });

  it('refuses, with a log line each, definitions whose folders, units or accounts the host would misread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-modules-'));
    const meta = (id: string, extra: Record<string, unknown>) => JSON.stringify({ meta: { id, name: id, systemdServices: [`${id}.service`], ...extra }, options: {} });
    writeFileSync(join(dir, 'hedgedoc'), meta('hedgedoc', { folders: ['/var/lib/hedgedoc'] }));
    writeFileSync(join(dir, 'climber'), meta('climber', { folders: ['/var/lib/../../etc'] }));
    writeFileSync(join(dir, 'root-folder'), meta('root-folder', { ownedFolders: [{ path: '/', owner: 'root', group: 'root' }] }));
    writeFileSync(join(dir, 'trailing'), meta('trailing', { folders: ['/var/lib/trailing/'] }));
    writeFileSync(join(dir, 'option-unit'), meta('option-unit', { systemdServices: ['--now.service'] }));
    writeFileSync(join(dir, 'two-owners'), meta('two-owners', { folders: ['/var/lib/two'], user: 'root:root' }));
    const { logger, lines } = recordingLogger();

    const services = await loadServiceDefinitions({ serviceDefinitions: new FileServiceDefinitions(dir, join(dir, 'flake.nix'), logger), logger });

    expect(services.map((s) => s.id)).toContain('hedgedoc');
    for (const id of ['climber', 'root-folder', 'trailing', 'option-unit', 'two-owners']) {
      expect(services.map((s) => s.id)).not.toContain(id);
      expect(lines.filter((l) => l.startsWith('skipping invalid service definition') && l.includes(join(dir, id)))).toHaveLength(1);
    }
  });

  it('parses each version of a file once: a broken file warns once, an edited file is read again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-modules-'));
    writeFileSync(join(dir, 'broken-json'), '{ "meta": ');
    writeFileSync(join(dir, 'hedgedoc'), definition('hedgedoc', 'HedgeDoc'));
    const { logger, lines } = recordingLogger();
    const source = new FileServiceDefinitions(dir, join(dir, 'flake.nix'), logger);

    await source.load();
    const again = await source.load();
    writeFileSync(join(dir, 'hedgedoc'), definition('hedgedoc', 'HedgeDoc, renamed'));
    const edited = await source.load();

    expect(lines.filter((l) => l.includes('broken-json'))).toHaveLength(1);
    expect(again.map((d) => d.origin)).toEqual([join(dir, 'hedgedoc')]);
    expect((edited[0]!.document as { meta: { name: string } }).meta.name).toBe('HedgeDoc, renamed');
  });

  it('answers no services when the folder does not exist', async () => {
    const source = new FileServiceDefinitions('/nonexistent/sp-modules', '/nonexistent/flake.nix', recordingLogger().logger);

    expect(await source.load()).toEqual([]);
  });

  it('reads installed modules from the sp-module inputs of the flake; without a flake every service counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-flake-'));
    writeFileSync(join(dir, 'flake.nix'), [
      '{',
      '  description = "SelfPrivacy NixOS configuration local flake";',
      '  inputs = {',
      '    selfprivacy-nixos-config.url = "git+https://git.selfprivacy.org/SelfPrivacy/selfprivacy-nixos-config.git?ref=flakes";',
      '    sp-module-nextcloud.url = "git+https://git.selfprivacy.org/SelfPrivacy/selfprivacy-nixos-config.git?ref=flakes&dir=sp-modules/nextcloud";',
      '    sp-module-jitsi-meet.url = "git+https://git.selfprivacy.org/SelfPrivacy/selfprivacy-nixos-config.git?ref=flakes&dir=sp-modules/jitsi-meet";',
      '  };',
      '}',
    ].join('\n'));

    expect(await new FileServiceDefinitions(dir, join(dir, 'flake.nix'), recordingLogger().logger).installedIds()).toEqual(new Set(['nextcloud', 'jitsi-meet']));
    expect(await new FileServiceDefinitions(dir, join(dir, 'missing.nix'), recordingLogger().logger).installedIds()).toBeUndefined();
  });
});
