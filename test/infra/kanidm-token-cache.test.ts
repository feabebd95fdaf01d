import { afterEach, describe, expect, it } from 'vitest';
import { DrizzleKanidmTokenCache } from '../../src/infra/users/kanidm-token-cache.js';
import { BACKENDS } from '../db/backends.js';

// The Kanidm admin token cache on every database the API runs on (migration 0005).

describe.each(BACKENDS)('DrizzleKanidmTokenCache on $name', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
  });

  it('is empty at first, keeps one token, replaces it, and forgets it', async () => {
    const database = await backend.open();
    dispose = database.dispose;
    const cache = new DrizzleKanidmTokenCache(database.db);
    const other = new DrizzleKanidmTokenCache(database.db);

    expect(await cache.read()).toBeUndefined();
    await cache.write('first');
    await cache.write('second');
    expect(await other.read()).toBe('second');
    await other.clear();
    expect(await cache.read()).toBeUndefined();
  });
});
