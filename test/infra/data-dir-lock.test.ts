import { linkSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../src/infra/db/data-dir-lock.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Leaves at `path` the socket file of a listener that is gone, as a process killed with SIGKILL does. */
async function leaveDeadSocket(path: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(`${path}.tmp`, resolve));
  linkSync(`${path}.tmp`, path);
  await new Promise((resolve) => server.close(resolve));
}

describe('lockDataDir', () => {
  it('takes over the socket of a holder that is gone, at once', async () => {
    const dir = freshDir();
    await leaveDeadSocket(join(dir, 'api.sock'));

    const lock = await lockDataDir(dir);

    expect(statSync(lock.path).mode & 0o777).toBe(0o600);
    await lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets exactly one of many simultaneous starters win over a dead socket; the others are told it is in use', async () => {
    // The interleaving differs from round to round: several rounds give a lost race many chances to show.
    for (let round = 0; round < 25; round++) {
      const dir = freshDir();
      await leaveDeadSocket(join(dir, 'api.sock'));

      const results = await Promise.allSettled(Array.from({ length: 12 }, () => lockDataDir(dir)));

      const won = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(won, `round ${round}`).toHaveLength(1);
      expect(refused.every((r) => r.reason instanceof DataDirInUseError)).toBe(true);
      await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockDataDir>>>).value.release();
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('is free again once released', async () => {
    const dir = freshDir();
    const first = await lockDataDir(dir);

    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirInUseError);
    await first.release();
    const second = await lockDataDir(dir);

    await second.release();
  });
});
