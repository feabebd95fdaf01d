import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/ports.js';
import type { KanidmTokenCache } from './kanidm-token-cache.js';

export interface KanidmAdminTokenOptions {
  cache: KanidmTokenCache;
  /** KANIDM_ADMIN_TOKEN_FILE, when set. */
  tokenFile?: string;
  /** Makes a brand-new token on the Kanidm host. */
  regenerate: () => Promise<string>;
  /** Told when a token is replaced (never the token itself). */
  logger?: Logger;
}

/**
 * The admin token for Kanidm, in the order of spec §13.1: the cached one, else the file's (then
 * cached), else a regenerated one (then cached). After Kanidm rejects a token, `renew` picks the
 * next: the file's when it differs and a probe accepts it, else a regenerated one. Concurrent
 * renewals share one regeneration.
 */
export class KanidmAdminToken {
  private renewing?: Promise<string>;

  constructor(private readonly options: KanidmAdminTokenOptions) {}

  async current(): Promise<string> {
    const cached = await this.options.cache.read();
    if (cached) return cached;
    const fromFile = await this.fileToken();
    if (fromFile) {
      await this.options.cache.write(fromFile);
      return fromFile;
    }
    return this.renewOnce(() => this.regenerateAndCache());
  }

  /** A replacement for `rejected`; `accepts` asks Kanidm whether a candidate token works. */
  renew(rejected: string, accepts: (token: string) => Promise<boolean>): Promise<string> {
    return this.renewOnce(async () => {
      const cached = await this.options.cache.read();
      // another request (or process) already replaced it
      if (cached && cached !== rejected) return cached;
      await this.options.cache.clear();
      this.options.logger?.warn('Kanidm refused the admin token; renewing it');
      const fromFile = await this.fileToken();
      if (fromFile && fromFile !== rejected && (await accepts(fromFile))) {
        await this.options.cache.write(fromFile);
        return fromFile;
      }
      return this.regenerateAndCache();
    });
  }

  private renewOnce(renew: () => Promise<string>): Promise<string> {
    this.renewing ??= renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async regenerateAndCache(): Promise<string> {
    this.options.logger?.warn('making a new Kanidm admin token with the Kanidm CLI');
    const token = await this.options.regenerate();
    await this.options.cache.write(token);
    this.options.logger?.info('new Kanidm admin token made and cached');
    return token;
  }

  private async fileToken(): Promise<string | undefined> {
    if (!this.options.tokenFile) return undefined;
    try {
      return (await readFile(this.options.tokenFile, 'utf8')).trim() || undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
