import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger, ServiceDefinitionDocument, ServiceDefinitionSource } from '../../core/ports.js';

const MODULE_INPUT = /\bsp-module-([A-Za-z0-9_-]+)/g;

/**
 * The definition files NixOS writes to /etc/sp-modules (one JSON file per service id), and the
 * `sp-module-<id>` inputs of /etc/nixos/flake.nix, which say which modules the configuration includes.
 */
export class FileServiceDefinitions implements ServiceDefinitionSource {
  // Files change only on rebuilds: parse each version once (and warn once about a broken one).
  private readonly parsed = new Map<string, { version: string; document?: unknown }>();

  constructor(
    private readonly modulesDir: string,
    private readonly flakeFile: string,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<ServiceDefinitionDocument[]> {
    let names: string[];
    try {
      names = (await readdir(this.modulesDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('cannot list service definitions', { dir: this.modulesDir, error: String(err) });
      return [];
    }
    const documents: ServiceDefinitionDocument[] = [];
    for (const name of names.sort()) {
      const file = join(this.modulesDir, name);
      const entry = await this.parse(file);
      if (entry.document !== undefined) documents.push({ origin: file, document: entry.document });
    }
    return documents;
  }

  private async parse(file: string): Promise<{ version: string; document?: unknown }> {
    const info = await stat(file).catch(() => undefined);
    const version = info ? `${info.mtimeMs}:${info.size}` : 'missing';
    const known = this.parsed.get(file);
    if (known?.version === version) return known;
    let entry: { version: string; document?: unknown } = { version };
    try {
      entry = { version, document: JSON.parse(await readFile(file, 'utf8')) as unknown };
    } catch (err) {
      this.logger.warn('skipping unreadable service definition', { file, error: err instanceof Error ? err.message : String(err) });
    }
    this.parsed.set(file, entry);
    return entry;
  }

  // The API writes flake.nix itself with one `sp-module-<id>` input per module; the names are enough
  // (no `nix eval` process per question). Without a readable flake every defined service counts as installed.
  async installedIds(): Promise<ReadonlySet<string> | undefined> {
    try {
      const flake = await readFile(this.flakeFile, 'utf8');
      return new Set([...flake.matchAll(MODULE_INPUT)].map((m) => m[1]!));
    } catch (err) {
      this.logger.warn('cannot read the system flake; treating every defined service as installed', { file: this.flakeFile, error: String(err) });
      return undefined;
    }
  }
}
