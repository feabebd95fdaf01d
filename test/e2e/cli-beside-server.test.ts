import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApi, stopApi, untilHealthy } from '../support/api-process.js';
import { runCli } from '../support/cli-process.js';

// Every CLI command works whether or not a server holds DATA_DIR: beside a running server it runs inside the
// server over DATA_DIR/api.sock, otherwise the CLI opens the embedded database itself; same output either way.

const TOKEN_LINE = /^[A-Za-z0-9_-]{43}\n$/;
const DEVICE_LINE = /^[a-z_0-9]+\t\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

const dataDirs: string[] = [];
const running: ApiProcess[] = [];
const freshDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-api-cli-'));
  dataDirs.push(dir);
  return dir;
};
const startApi = async (dataDir: string) => {
  const api = spawnApi(dataDir, await freePort(), { LOG_LEVEL: 'debug' });
  running.push(api);
  await untilHealthy(api);
  return api;
};

afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => stopApi(api)));
});
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function devicesSeenBy(api: ApiProcess, token: string) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ api { devices { name isCaller } } }' }),
  });
  return { status: response.status, body: (await response.json()) as { data?: { api: { devices: { name: string; isCaller: boolean }[] } } } };
}

/** Sends raw bytes on a unix socket and collects what comes back until it closes. */
function exchange(path: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path, () => socket.end(bytes));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
  });
}

describe('the CLI beside a running server', () => {
  it('creates a token inside the server that then works on GraphQL, lists it, and never logs it', async () => {
    const dataDir = freshDataDir();
    const api = await startApi(dataDir);

    const created = await runCli({ DATA_DIR: dataDir }, ['tokens', 'create', '--name', 'my-laptop']);
    const listed = await runCli({ DATA_DIR: dataDir }, ['tokens', 'list']);

    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(TOKEN_LINE);
    const token = created.stdout.trim();
    const seen = await devicesSeenBy(api, token);
    expect(seen.status).toBe(200);
    expect(seen.body.data?.api.devices).toEqual([
      { name: 'initial', isCaller: false },
      { name: 'my_laptop', isCaller: true },
    ]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout.split('\n')).toEqual([expect.stringMatching(/^initial\t/), expect.stringMatching(/^my_laptop\t/), '']);
    expect(listed.stdout.trimEnd().split('\n').every((line) => DEVICE_LINE.test(line))).toBe(true);
    expect(api.output()).toContain('"command":"tokens create","exitCode":0,"msg":"ran a CLI command"');
    expect(api.output()).not.toContain(token);
  }, 120_000);

  it('prints the same list with the server running and after it stopped, and tells wrong arguments the same way', async () => {
    const dataDir = freshDataDir();
    const api = await startApi(dataDir);
    await runCli({ DATA_DIR: dataDir }, ['tokens', 'create', '--name', 'phone']);
    const throughServer = await runCli({ DATA_DIR: dataDir }, ['tokens', 'list']);
    const wrongThroughServer = await runCli({ DATA_DIR: dataDir }, ['tokens', 'create', '--title', 'x']);

    await stopApi(api);
    const itself = await runCli({ DATA_DIR: dataDir }, ['tokens', 'list']);
    const createdItself = await runCli({ DATA_DIR: dataDir }, ['tokens', 'create', '--name', 'tablet']);
    const wrongItself = await runCli({ DATA_DIR: dataDir }, ['tokens', 'create', '--title', 'x']);
    const after = await runCli({ DATA_DIR: dataDir }, ['tokens', 'list']);

    expect(throughServer.code).toBe(0);
    expect(throughServer.stdout).toMatch(/^initial\t.*\nphone\t.*\n$/);
    expect(itself).toEqual(throughServer);
    expect(createdItself.code).toBe(0);
    expect(createdItself.stdout).toMatch(TOKEN_LINE);
    expect(after.stdout.startsWith(throughServer.stdout)).toBe(true);
    expect(after.stdout.slice(throughServer.stdout.length)).toMatch(/^tablet\t[^\n]+\n$/);
    expect(wrongThroughServer.code).toBe(2);
    expect(wrongThroughServer.stderr).toMatch(/^Unknown option '--title'[\s\S]*\nUsage:\n/);
    expect(wrongItself).toEqual(wrongThroughServer);
    expect(() => statSync(join(dataDir, 'api.sock'))).toThrow(/ENOENT/);
  }, 120_000);

  it('answers a malformed request on the socket with an error, and the server goes on serving HTTP and the CLI', async () => {
    const dataDir = freshDataDir();
    const api = await startApi(dataDir);
    const socket = join(dataDir, 'api.sock');

    const garbage = await exchange(socket, 'GET / HTTP/1.1\r\n\r\n');
    const wrongShape = await exchange(socket, '{"command":["tokens","list"]}\n');
    const health = await fetch(`${api.url}/healthz`);
    const listed = await runCli({ DATA_DIR: dataDir }, ['tokens', 'list']);

    expect(JSON.parse(garbage)).toEqual({ exitCode: 2, stdout: '', stderr: 'Malformed control request: the request is not JSON.\n' });
    expect(JSON.parse(wrongShape)).toEqual({ exitCode: 2, stdout: '', stderr: 'Malformed control request: "command" must be a string.\n' });
    expect(health.status).toBe(200);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^initial\t/);
    expect(api.child.exitCode).toBeNull();
  }, 120_000);

  it('listens on a socket only its owner can reach: 0600 in a 0700 DATA_DIR', async () => {
    const dataDir = freshDataDir();
    await startApi(dataDir);

    const socket = statSync(join(dataDir, 'api.sock'));
    const folder = statSync(dataDir);

    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(folder.mode & 0o777).toBe(0o700);
  }, 120_000);

  it('opens the database itself when the socket was left by a server killed with SIGKILL', async () => {
    const dataDir = freshDataDir();
    const api = await startApi(dataDir);
    api.child.kill('SIGKILL');
    await api.exited;
    const leftBehind = statSync(join(dataDir, 'api.sock'));

    const created = await runCli({ DATA_DIR: dataDir }, ['tokens', 'create', '--name', 'after-crash']);
    const listed = await runCli({ DATA_DIR: dataDir }, ['tokens', 'list']);

    expect(leftBehind.isSocket()).toBe(true);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(TOKEN_LINE);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/^initial\t[^\n]+\nafter_crash\t[^\n]+\n$/);
    expect(() => statSync(join(dataDir, 'api.sock'))).toThrow(/ENOENT/);
  }, 120_000);

  it('reports a clear error and exits 1 when the holder stops before answering', async () => {
    const dataDir = freshDataDir();
    // A holder that takes the request and goes away without answering, as a server killed at that moment does.
    let received = '';
    const holder = createServer((socket) =>
      socket.once('data', (chunk) => {
        received = chunk.toString('utf8');
        socket.destroy();
      }),
    );
    await new Promise<void>((resolve) => holder.listen(join(dataDir, 'api.sock'), resolve));

    const cli = await runCli({ DATA_DIR: dataDir }, ['tokens', 'create', '--name', 'laptop']);
    await new Promise((resolve) => holder.close(resolve));

    expect(JSON.parse(received)).toEqual({ command: 'tokens create', args: ['--name', 'laptop'] });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(/^The process holding the data directory (closed|broke) the connection.* before answering \(an API server stopped or still starting, or another CLI command holding the database\); the command may or may not have run\. Check, then try again\.\n$/);
  }, 60_000);
});
