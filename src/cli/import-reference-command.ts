import { parseArgs } from 'node:util';
import { formatImportReport } from '../core/migration/import-report.js';
import { importReference } from '../core/migration/import-reference.js';
import { RedisReferenceSource } from '../infra/reference-redis/redis-reference-source.js';
import { REFERENCE_REDIS_URL, type RedisEndpoint, parseRedisUrl } from '../infra/reference-redis/redis-url.js';
import { type CliCommand, CommandError, UsageError } from './commands.js';

/** `import-reference`: the reference API's paired devices, keys, e-mail passwords and backup settings, from its Redis. */
export const importReferenceCommand: CliCommand<{ endpoint: RedisEndpoint; dryRun: boolean }> = {
  name: 'import-reference',
  synopsis: '[--redis URL] [--dry-run]',
  summary: `import devices, keys, e-mail passwords and backup settings from the reference API's Redis (default ${REFERENCE_REDIS_URL})`,
  parse(args) {
    let values: { redis?: string; 'dry-run'?: boolean };
    try {
      ({ values } = parseArgs({
        args: [...args],
        allowPositionals: false,
        strict: true,
        options: { redis: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      }));
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    try {
      return { endpoint: parseRedisUrl(values.redis ?? REFERENCE_REDIS_URL), dryRun: values['dry-run'] === true };
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  },
  async run(deps, { endpoint, dryRun }) {
    let report;
    try {
      report = await importReference(deps, new RedisReferenceSource(endpoint), { dryRun });
    } catch (err) {
      throw new CommandError(err instanceof Error ? err.message : String(err));
    }
    return `${formatImportReport(report).join('\n')}\n`;
  },
};
