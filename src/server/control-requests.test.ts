import { linkSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { askHolder } from '../cli/control-client.js';
import { MAX_REQUEST_BYTES } from '../cli/control-protocol.js';
import type { Deps, Logger } from '../core/ports.js';
import { makeAuthDeps } from '../../test/fakes/in-memory-auth.js';
import { SeededRandom, fuzzSeed } from '../../test/support/seeded-random.js';
import { lockDataDir } from '../infra/db/data-dir-lock.js';
import { serveControlRequests } from './control-requests.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** DATA_DIR/api.sock served as a server serves it, over in-memory deps; the log lines are kept. */
async function startControlSocket() {
  const dir = mkdtempSync(join(tmpdir(), 'sp-control-'));
  const lines: string[] = [];
  const logger: Logger = {
    info: (msg, fields) => void lines.push(`${msg} ${JSON.stringify(fields ?? {})}`),
    warn: (msg, fields) => void lines.push(`${msg} ${JSON.stringify(fields ?? {})}`),
    error: (msg, fields) => void lines.push(`${msg} ${JSON.stringify(fields ?? {})}`),
  };
  const deps = { ...makeAuthDeps(), logger } as unknown as Deps; // tokens commands touch tokens, clock and logger only
  const control = serveControlRequests(deps);
  const lock = await lockDataDir(dir);
  lock.serve(control.handle);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => lock.release());
  return { path: lock.path, lock, deps, control, log: () => lines.join('\n') };
}

/** Writes raw bytes, then collects whatever comes back until the server closes. */
function exchange(path: string, bytes: string | Buffer, { end = false } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path, () => (end ? socket.end(bytes) : socket.write(bytes)));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
  });
}

describe('serveControlRequests', () => {
  it('runs tokens create and tokens list, the token only in the answer and never in the log', async () => {
    const { path, deps, log } = await startControlSocket();

    const created = await askHolder(path, { command: 'tokens create', args: ['--name', 'my-laptop'] });
    const listed = await askHolder(path, { command: 'tokens list', args: [] });

    expect(created).toMatchObject({ exitCode: 0, stderr: '' });
    const token = created!.stdout.trim();
    expect(created!.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(listed).toMatchObject({ exitCode: 0, stderr: '' });
    expect(listed!.stdout).toMatch(/^my_laptop\t\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\n$/);
    expect(await deps.tokens.count()).toBe(1);
    expect(log()).toContain('ran a CLI command {"command":"tokens create","exitCode":0}');
    expect(log()).not.toContain(token);
    expect(log()).not.toContain('my-laptop');
  });

  it('answers a usage error with exit code 2 and the usage text, creating nothing', async () => {
    const { path, deps } = await startControlSocket();

    const answer = await askHolder(path, { command: 'tokens create', args: ['--nmae', 'x'] });

    expect(answer?.exitCode).toBe(2);
    expect(answer?.stdout).toBe('');
    expect(answer?.stderr).toMatch(/Unknown option '--nmae'[\s\S]*Usage:\n  npm run --silent cli -- tokens create --name NAME/);
    expect(await deps.tokens.count()).toBe(0);
  });

  it.each([
    ['not JSON', 'hello\n', 'the request is not JSON'],
    ['a JSON array', '[1,2]\n', 'the request is not a JSON object'],
    ['no command', '{"args":[]}\n', '"command" must be a string'],
    ['args that are not strings', '{"command":"tokens list","args":[1]}\n', '"args" must be an array of at most 64 strings'],
    ['a line cut short', '{"command":"tokens list"', 'the request ended without a line break'],
  ])('answers %s with a malformed-request error (exit code 2) and goes on serving', async (_case, bytes, reason) => {
    const { path, log } = await startControlSocket();

    const raw = await exchange(path, bytes, { end: true });
    const next = await askHolder(path, { command: 'tokens list', args: [] });

    expect(JSON.parse(raw)).toEqual({ exitCode: 2, stdout: '', stderr: `Malformed control request: ${reason}.\n` });
    expect(next).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(log()).toContain(`refused a malformed control request ${JSON.stringify({ reason })}`);
  });

  it('answers a client that ends its side right after the request (a one-shot pipe)', async () => {
    const { path, deps } = await startControlSocket();
    const insert = deps.tokens.insert.bind(deps.tokens);
    deps.tokens.insert = async (token) => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // as a real database: the answer comes after the client's end
      return insert(token);
    };

    const raw = await exchange(path, '{"command":"tokens create","args":["--name","piped"]}\n', { end: true });

    expect(JSON.parse(raw)).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(raw).stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  });

  it('survives 200 seeded random requests, each answered as malformed or as a command, then serves a valid one', async () => {
    const seed = fuzzSeed();
    const random = new SeededRandom(seed);
    const { path, deps } = await startControlSocket();
    const shapes = [
      () => random.bytes(random.int(1, 300)),
      () => Buffer.from(JSON.stringify({ command: random.pick(['tokens list', 'tokens', '', 'x'.repeat(300)]), args: random.pick([[], [1], null, 'a', ['--name']]) })),
      () => Buffer.from(JSON.stringify(random.pick([null, 1, 'tokens list', { command: 'tokens create' }, { args: [] }]))),
    ];

    const answers = await Promise.all(
      Array.from({ length: 200 }, () => {
        const body = random.pick(shapes)();
        return exchange(path, Buffer.concat([body, Buffer.from(random.chance(0.8) ? '\n' : '')]), { end: true });
      }),
    );
    const valid = await askHolder(path, { command: 'tokens list', args: [] });

    for (const raw of answers) {
      const answer = JSON.parse(raw) as { exitCode: number; stdout: string };
      expect([0, 1, 2], `seed ${seed}: ${raw}`).toContain(answer.exitCode);
    }
    expect(valid).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(await deps.tokens.count()).toBe(0);
  });

  it('answers an unknown command with exit code 2', async () => {
    const { path } = await startControlSocket();

    const answer = await askHolder(path, { command: 'tokens steal', args: [] });

    expect(answer?.exitCode).toBe(2);
    expect(answer?.stderr).toMatch(/^unknown command: tokens steal\nUsage:/);
  });

  it('refuses a request larger than its limit without waiting for the rest', async () => {
    const { path } = await startControlSocket();

    const raw = await exchange(path, Buffer.alloc(MAX_REQUEST_BYTES + 1, 'a'));

    expect(JSON.parse(raw)).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `Malformed control request: the request is larger than ${MAX_REQUEST_BYTES} bytes.\n`,
    });
  });

  it('cuts off a client that does not send a whole request within 5 s', async () => {
    const { path } = await startControlSocket();
    const started = Date.now();

    const raw = await exchange(path, '{"command":');

    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(JSON.parse(raw).stderr).toBe('Malformed control request: no complete request line within 5000 ms.\n');
  }, 10_000);

  it('does not let a client that keeps its side open after the answer hold the socket: it is released within 5 s', async () => {
    const { path, lock } = await startControlSocket();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ path, allowHalfOpen: true }, () => socket.write('{"command":"tokens list","args":[]}\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.once('end', () => resolve(text)); // and never ends its own side
    });
    const started = Date.now();

    await lock.release();

    expect(JSON.parse(answer)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(Date.now() - started).toBeLessThan(5_500);
  }, 15_000);

  it('closes quietly on a connection that sends nothing (the data-directory probe)', async () => {
    const { path, log } = await startControlSocket();

    const raw = await exchange(path, '', { end: true });

    expect(raw).toBe('');
    expect(log()).toBe('');
  });

  it('lets a command under way finish and answer before stopping', async () => {
    const { path, deps, control } = await startControlSocket();
    const insert = deps.tokens.insert.bind(deps.tokens);
    let inserting!: () => void;
    const started = new Promise<void>((resolve) => (inserting = resolve));
    deps.tokens.insert = async (token) => {
      inserting();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return insert(token);
    };

    const answer = askHolder(path, { command: 'tokens create', args: ['--name', 'slow'] });
    await started;
    const tokensWhenStopped = control.stop().then(() => deps.tokens.count());
    const settled = await answer;

    expect(await tokensWhenStopped).toBe(1);
    expect(settled?.exitCode).toBe(0);
    expect(settled?.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  });

  it('once stopping, answers that the command did not run', async () => {
    const { path, deps, control } = await startControlSocket();

    await control.stop();
    const answer = await askHolder(path, { command: 'tokens create', args: ['--name', 'late'] });

    expect(answer).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'The API server is stopping: the command did not run. Run it again once the server has stopped (or started again).\n',
    });
    expect(await deps.tokens.count()).toBe(0);
  });
});

describe('askHolder', () => {
  it('tells that nobody listens (undefined) on a missing socket or one a dead process left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-control-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(join(dir, 'dead.sock'), resolve));
    linkSync(join(dir, 'dead.sock'), join(dir, 'api.sock'));
    await new Promise((resolve) => dead.close(resolve));

    expect(await askHolder(join(dir, 'missing.sock'), { command: 'tokens list', args: [] })).toBeUndefined();
    expect(await askHolder(join(dir, 'api.sock'), { command: 'tokens list', args: [] })).toBeUndefined();
  });

  it('rejects with a clear error when the holder closes without answering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-control-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const mute = createServer((socket) => socket.once('data', () => socket.end()));
    await new Promise<void>((resolve) => mute.listen(join(dir, 'api.sock'), resolve));
    cleanups.push(() => new Promise<void>((resolve) => mute.close(() => resolve())));

    await expect(askHolder(join(dir, 'api.sock'), { command: 'tokens list', args: [] })).rejects.toThrow(
      /^The process holding the data directory closed the connection before answering \(an API server stopped or still starting, or another CLI command holding the database\); the command may or may not have run/,
    );
  });
});
