import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonFileStore, MissingDocumentError } from '../../src/infra/files/json-file-store.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const WRITER = join(ROOT, 'test/infra/json-store-writer.ts');

const temps: string[] = [];
const tempFile = (name = 'userdata.json') => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-json-store-'));
  temps.push(dir);
  return join(dir, name);
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

type Doc = Record<string, unknown> & { users?: { username: string }[] };
const open = (path: string, mode?: number) => new JsonFileStore<Doc>(path, { initial: () => ({ users: [] }), mode });

// As the NixOS side and the reference write it: 4 spaces, keys in their original order, unknown keys kept.
const EXISTING = `{
    "domain": "example.org",
    "hostname": "my-server",
    "zz-added-by-a-newer-nixos-config": {
        "keep": [
            1,
            2
        ],
        "nested": {
            "b": true,
            "a": null
        }
    },
    "username": "alice",
    "users": [],
    "modules": {
        "nextcloud": {
            "enable": true,
            "location": "sdb"
        }
    },
    "aaa-last": ""
}
`;

function writer(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('JsonFileStore', () => {
  it('writes 4-space indented JSON with a trailing newline, keeping key order and unknown keys', async () => {
    const path = tempFile();
    writeFileSync(path, EXISTING);
    const store = open(path);
    await store.update((doc) => {
      (doc.modules as Record<string, unknown>).gitea = { enable: false };
      doc.timezone = 'Europe/Berlin';
    });
    const expected = EXISTING.replace(
      '            "location": "sdb"\n        }\n',
      '            "location": "sdb"\n        },\n        "gitea": {\n            "enable": false\n        }\n',
    ).replace('    "aaa-last": ""\n}\n', '    "aaa-last": "",\n    "timezone": "Europe/Berlin"\n}\n');
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('rewrites an untouched document byte for byte', async () => {
    const path = tempFile();
    writeFileSync(path, EXISTING);
    await open(path).update(() => undefined);
    expect(readFileSync(path, 'utf8')).toBe(EXISTING);
  });

  it('writes non-ASCII characters as \\uXXXX escapes, as Python\'s json.dump did, so an untouched file stays identical', async () => {
    const path = tempFile();
    const written = '{\n    "users": [\n        {\n            "username": "juergen",\n            "displayName": "J\\u00fcrgen \\u0420\\u0435\\u043d\\u0430\\u0442 \\ud83d\\ude00"\n        }\n    ]\n}\n';
    writeFileSync(path, written);
    const store = open(path);
    expect(((await store.read()).users![0] as unknown as { displayName: string }).displayName).toBe('Jürgen Ренат 😀');
    await store.update(() => undefined);
    expect(readFileSync(path, 'utf8')).toBe(written);
    await store.update((doc) => void (doc.note = 'tab\there, quote " backslash \\ del \u007f é'));
    expect(readFileSync(path, 'utf8')).toContain('"note": "tab\\there, quote \\" backslash \\\\ del \\u007f \\u00e9"');
    expect((await store.read()).note).toBe('tab\there, quote " backslash \\ del \u007f é');
  });

  it('reads the initial document when the file is missing, and writes it only on the first update', async () => {
    const path = tempFile();
    const store = open(path);
    expect(await store.read()).toEqual({ users: [] });
    expect(existsSync(path)).toBe(false);
    const result = await store.update((doc) => {
      doc.users!.push({ username: 'bob' });
      return 'returned value';
    });
    expect(result).toBe('returned value');
    expect(readFileSync(path, 'utf8')).toBe('{\n    "users": [\n        {\n            "username": "bob"\n        }\n    ]\n}\n');
  });

  it('writes nothing when the change throws, and the error reaches the caller; later updates still work', async () => {
    const path = tempFile();
    writeFileSync(path, EXISTING);
    const before = statSync(path);
    const store = open(path);
    await expect(
      store.update((doc) => {
        doc.users!.push({ username: 'half-written' });
        throw new Error('USER_NOT_FOUND');
      }),
    ).rejects.toThrow('USER_NOT_FOUND');
    await expect(
      store.update(async (doc) => {
        doc.hostname = 'changed';
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('async failure');
      }),
    ).rejects.toThrow('async failure');
    expect(readFileSync(path, 'utf8')).toBe(EXISTING);
    expect(statSync(path).ino).toBe(before.ino); // not even rewritten with the same content
    await store.update((doc) => void (doc.hostname = 'after'));
    expect(JSON.parse(readFileSync(path, 'utf8')).hostname).toBe('after');
    expect(readdirSync(join(path, '..')).sort()).toEqual(['userdata.json']); // no lock or temp file left
  });

  it('leaves a missing file missing when the first change throws', async () => {
    const path = tempFile();
    await expect(open(path).update(() => { throw new Error('invalid'); })).rejects.toThrow('invalid');
    expect(existsSync(path)).toBe(false);
  });

  it('without an initial document, a missing file is an error naming it: read and update fail and create nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-json-store-'));
    temps.push(dir);
    const path = join(dir, 'nixos', 'userdata.json');
    const store = new JsonFileStore<Doc>(path, { mode: 0o600 });

    await expect(store.read()).rejects.toBeInstanceOf(MissingDocumentError);
    await expect(store.update((doc) => void (doc.domain = 'example.org'))).rejects.toThrow(`${path} does not exist`);

    expect(readdirSync(dir)).toEqual([]);
  });

  it('without an initial document, an existing file is read and updated as usual', async () => {
    const path = tempFile();
    writeFileSync(path, EXISTING);
    const store = new JsonFileStore<Doc>(path, {});

    await store.update((doc) => void (doc.hostname = 'renamed'));

    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ domain: 'example.org', hostname: 'renamed' });
    expect(readdirSync(join(path, '..'))).toEqual(['userdata.json']);
  });

  it('creates a new file with the mode asked for (0600 for userdata and secrets), whatever the umask', async () => {
    const path = tempFile('secrets.json');
    const previous = process.umask(0o077);
    try {
      await open(path, 0o600).update((doc) => void (doc.dns = { token: 'cf-token' }));
    } finally {
      process.umask(previous);
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const other = tempFile('plain.json');
    const previous2 = process.umask(0o022);
    try {
      await open(other).update(() => undefined);
    } finally {
      process.umask(previous2);
    }
    expect(statSync(other).mode & 0o777).toBe(0o644);
  });

  it('keeps the mode of an existing file, including group bits the umask would strip', async () => {
    const path = tempFile();
    writeFileSync(path, EXISTING);
    chmodSync(path, 0o660);
    const previous = process.umask(0o022);
    try {
      await open(path, 0o600).update((doc) => void (doc.hostname = 'x'));
    } finally {
      process.umask(previous);
    }
    expect(statSync(path).mode & 0o777).toBe(0o660);
  });

  it('throws a clear error on a file that is not JSON, and does not overwrite it', async () => {
    const path = tempFile();
    writeFileSync(path, '{"domain": "example.org",');
    const store = open(path);
    await expect(store.read()).rejects.toThrow(`${path} is not readable JSON`);
    await expect(store.update(() => undefined)).rejects.toThrow('is not readable JSON');
    expect(readFileSync(path, 'utf8')).toBe('{"domain": "example.org",');
  });

  it('keeps the text of a broken file (a token, say) out of the error message', async () => {
    const path = tempFile('secrets.json');
    writeFileSync(path, 'token: dns-secret-0123456789');

    const error = await open(path).read().then(() => undefined, (err: Error) => err);

    expect(error?.message).toMatch(/is not readable JSON: syntax error/);
    expect(error?.message).not.toContain('dns-secret');
  });

  it('applies 200 concurrent in-process updates, none lost', async () => {
    const path = tempFile();
    const store = open(path);
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.update((doc) => void doc.users!.push({ username: `user${i}` }))));
    const names = (JSON.parse(readFileSync(path, 'utf8')) as Doc).users!.map((u) => u.username);
    expect(new Set(names).size).toBe(200);
  });

  it('two store objects on one file in one process (separate queues) still lose nothing', async () => {
    const path = tempFile();
    const a = open(path);
    const b = open(path);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update((doc) => void doc.users!.push({ username: `u${i}` }))));
    expect(new Set((JSON.parse(readFileSync(path, 'utf8')) as Doc).users!.map((u) => u.username)).size).toBe(40);
  });

  it('two real processes doing 100 updates each on the same file lose nothing (the lock works across processes)', async () => {
    const path = tempFile();
    const results = await Promise.all([exited(writer(['add', path, 'a', '100'])), exited(writer(['add', path, 'b', '100']))]);
    expect(results).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    const names = (JSON.parse(readFileSync(path, 'utf8')) as Doc).users!.map((u) => u.username);
    expect(names).toHaveLength(200);
    expect(new Set(names).size).toBe(200);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('takes over a lock left by a process that died holding it a moment ago, well within its wait for the lock', async () => {
    const path = tempFile();
    writeFileSync(path, EXISTING);
    mkdirSync(`${path}.lock`); // what proper-lockfile leaves when its holder is SIGKILLed: a fresh lock directory
    const started = Date.now();
    await open(path).update((doc) => void (doc.hostname = 'recovered'));
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(JSON.parse(readFileSync(path, 'utf8')).hostname).toBe('recovered');
    expect(existsSync(`${path}.lock`)).toBe(false);
  }, 30_000);

  it('waits for a live holder of the lock instead of taking it over (a long update in another process is not stale)', async () => {
    const path = tempFile();
    const store = open(path);
    let releaseFirst!: () => void;
    const first = store.update(async (doc) => {
      await new Promise<void>((r) => (releaseFirst = r));
      doc.users!.push({ username: 'first' });
    });
    await new Promise((r) => setTimeout(r, 50));
    // A second store object queues separately, so only the lock directory keeps it out.
    const second = open(path).update((doc) => void doc.users!.push({ username: 'second' }));
    await new Promise((r) => setTimeout(r, 7_000)); // longer than the stale period: the holder keeps its lock fresh
    releaseFirst();
    await Promise.all([first, second]);
    expect((JSON.parse(readFileSync(path, 'utf8')) as Doc).users!.map((u) => u.username)).toEqual(['first', 'second']);
  }, 30_000);

  it('survives a writer killed with SIGKILL at random moments: the file always parses, and the next writer gets the lock', async () => {
    const path = tempFile();
    let lastCounter = 0;
    for (let round = 0; round < 4; round++) {
      const child = writer(['churn', path]);
      const done = exited(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      });
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 300));
      child.kill('SIGKILL');
      await done;

      const text = readFileSync(path, 'utf8');
      expect(text.endsWith('}\n')).toBe(true);
      const doc = JSON.parse(text) as Doc & { counter: number; payload: string; payloadLength: number };
      expect(doc.payload).toHaveLength(doc.payloadLength);
      expect(doc.counter).toBeGreaterThanOrEqual(1);
      lastCounter = doc.counter;

      // The next writer (this process) must get the lock the dead one may have left behind.
      const store = open(path);
      const started = Date.now();
      await store.update((d) => void (d.afterKill = round));
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ afterKill: round, counter: lastCounter });
      expect(existsSync(`${path}.lock`)).toBe(false);
    }
  }, 180_000);
});
