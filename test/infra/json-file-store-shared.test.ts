import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonFileStore } from '../../src/infra/files/json-file-store.js';

// readShared: the parsed document shared while the file is unchanged, and a fresh one as soon as it changed,
// whoever changed it; writers still lose nothing.

const temps: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-json-shared-'));
  temps.push(dir);
  return join(dir, 'userdata.json');
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

type Doc = { domain: string; counter: number; nested: { list: number[] } };
const open = (path: string) => new JsonFileStore<Doc>(path, { initial: () => ({ domain: 'example.org', counter: 0, nested: { list: [] } }) });
const settle = () => new Promise((resolve) => setTimeout(resolve, 80));

describe('JsonFileStore.readShared', () => {
  it('hands out one frozen document while the file is unchanged', async () => {
    const path = tempFile();
    const store = open(path);
    await store.update(() => undefined);
    await settle();

    const first = await store.readShared();
    const second = await store.readShared();

    expect(second).toBe(first);
    expect(first).toEqual({ domain: 'example.org', counter: 0, nested: { list: [] } });
    expect(() => ((first as Doc).counter = 1)).toThrow(TypeError);
    expect(() => (first as Doc).nested.list.push(1)).toThrow(TypeError);
    expect((await store.read()).counter).toBe(0);
  });

  it('shows its own update at once', async () => {
    const store = open(tempFile());
    await store.update(() => undefined);
    await store.readShared();

    await store.update((doc) => void (doc.counter = 7));

    expect((await store.readShared()).counter).toBe(7);
  });

  it('shows a change another program made, even a same-size rewrite in place right after a read', async () => {
    const path = tempFile();
    const store = open(path);
    writeFileSync(path, JSON.stringify({ domain: 'aaaa.org', counter: 1, nested: { list: [] } }));
    expect((await store.readShared()).domain).toBe('aaaa.org');

    writeFileSync(path, JSON.stringify({ domain: 'bbbb.org', counter: 1, nested: { list: [] } }));
    expect((await store.readShared()).domain).toBe('bbbb.org');

    await settle();
    writeFileSync(path, JSON.stringify({ domain: 'cccc.org', counter: 1, nested: { list: [] } }));
    expect((await store.readShared()).domain).toBe('cccc.org');
  });

  it('loses no update of 100 concurrent ones, from two store objects, while readers share the document', async () => {
    const path = tempFile();
    const [a, b] = [open(path), open(path)];
    await a.update(() => undefined);

    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const store = i % 2 === 0 ? a : b;
        await store.update((doc) => void (doc.counter += 1));
        seen.push((await store.readShared()).counter);
      }),
    );

    expect((await a.read()).counter).toBe(100);
    expect((await a.readShared()).counter).toBe(100);
    expect((await b.readShared()).counter).toBe(100);
    expect(Math.max(...seen)).toBe(100);
  });
});
