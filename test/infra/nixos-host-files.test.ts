import { linkSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/infra/host/command-runner.js';
import { NixosHost } from '../../src/infra/host/nixos-host.js';
import { machine, tempDir } from './nixos-machine.js';
import { DKIM_FILE, legoAccount } from './recorded-output.js';

describe('NixosHost files', () => {
  it('readDkimRecord returns <dkimDir>/<domain>.selector.txt as written, or undefined when absent', async () => {
    const m = machine({});
    writeFileSync(join(m.dkimDir, 'example.org.selector.txt'), DKIM_FILE);
    expect(await m.host.readDkimRecord('example.org')).toBe(DKIM_FILE);
    expect(await m.host.readDkimRecord('example.net')).toBeUndefined();
    expect(m.argv()).toEqual([]);
  });

  const writeAccount = (root: string, hash: string, server: string, email: string, content: string) => {
    const dir = join(root, hash, server, email);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'account.json');
    writeFileSync(file, content);
    return file;
  };
  const pause = () => new Promise((r) => setTimeout(r, 30));

  it('acmeAccountUri reads registration.uri of the newest Let\'s Encrypt account.json by ctime', async () => {
    const m = machine({});
    const older = writeAccount(m.acmeAccountsDir, 'a1b2c3', 'acme-v02.api.letsencrypt.org', 'admin@example.org', legoAccount('https://acme-v02.api.letsencrypt.org/acme/acct/111'));
    await pause();
    writeAccount(m.acmeAccountsDir, 'd4e5f6', 'acme-v02.api.letsencrypt.org', 'admin@example.org', legoAccount('https://acme-v02.api.letsencrypt.org/acme/acct/222'));
    await pause();
    // Staging accounts are not Let's Encrypt production accounts, however new.
    writeAccount(m.acmeAccountsDir, '778899', 'acme-staging-v02.api.letsencrypt.org', 'admin@example.org', legoAccount('https://acme-staging-v02.api.letsencrypt.org/acme/acct/9'));
    expect(await m.host.acmeAccountUri()).toBe('https://acme-v02.api.letsencrypt.org/acme/acct/222');
    // Touching the older file's times moves its ctime to now, though its mtime goes back a year: ctime decides.
    await pause();
    const yearAgo = new Date(Date.now() - 365 * 86_400_000);
    utimesSync(older, yearAgo, yearAgo);
    expect(await m.host.acmeAccountUri()).toBe('https://acme-v02.api.letsencrypt.org/acme/acct/111');
  });

  it('acmeAccountUri is undefined without accounts, and when the newest account.json is broken or has no uri', async () => {
    const m = machine({});
    expect(await m.host.acmeAccountUri()).toBeUndefined();
    writeAccount(m.acmeAccountsDir, 'a1', 'acme-v02.api.letsencrypt.org', 'admin@example.org', legoAccount('https://acme-v02.api.letsencrypt.org/acme/acct/111'));
    await pause();
    writeAccount(m.acmeAccountsDir, 'b2', 'acme-v02.api.letsencrypt.org', 'admin@example.org', '{"email": "admin@example.org", "registration": {');
    expect(await m.host.acmeAccountUri()).toBeUndefined();
    await pause();
    writeAccount(m.acmeAccountsDir, 'c3', 'acme-v02.api.letsencrypt.org', 'admin@example.org', '{"email": "admin@example.org", "registration": null}');
    expect(await m.host.acmeAccountUri()).toBeUndefined();
  });

  it('networkAddresses reads the configured interface: loopback has no global IPv6, a missing one has no IPv4', async () => {
    const lo = new NixosHost(new CommandRunner(), { configDir: '/', publicInterface: 'lo' });
    expect(await lo.networkAddresses()).toEqual({ ipv4: '127.0.0.1', ipv6: undefined });
    const none = new NixosHost(new CommandRunner(), { configDir: '/', publicInterface: 'sp-no-such-if0' });
    expect(await none.networkAddresses()).toEqual({ ipv4: '', ipv6: undefined });
  });
});

describe('NixosHost with the real coreutils', () => {
  it('folderSizes counts each path on its own, even when paths nest or share hard-linked files', async () => {
    const root = tempDir('sp-du-');
    mkdirSync(join(root, 'nextcloud/data'), { recursive: true });
    mkdirSync(join(root, 'gitea'));
    writeFileSync(join(root, 'nextcloud/data/photo.jpg'), Buffer.alloc(100_000));
    writeFileSync(join(root, 'nextcloud/config.php'), Buffer.alloc(1_000));
    linkSync(join(root, 'nextcloud/config.php'), join(root, 'gitea/shared.php'));
    const host = new NixosHost(new CommandRunner(), { configDir: root });
    const paths = [join(root, 'nextcloud'), join(root, 'nextcloud/data'), join(root, 'gitea'), join(root, 'missing')];
    const sizes = await host.folderSizes(paths);
    const alone = async (path: string) => (await host.folderSizes([path])).get(path);
    for (const path of paths) expect(sizes.get(path), path).toBe(await alone(path));
    expect(sizes.get(join(root, 'nextcloud/data'))).toBeGreaterThanOrEqual(100_000);
    expect(sizes.get(join(root, 'gitea'))).toBeGreaterThanOrEqual(1_000);
    expect(sizes.get(join(root, 'missing'))).toBe(0);
  });

  it('pathInfo reads the real stat output (type and owner name)', async () => {
    const root = tempDir('sp-stat-');
    writeFileSync(join(root, 'file'), 'x');
    const host = new NixosHost(new CommandRunner(), { configDir: root });
    const owner = (await new CommandRunner().check('id', ['-un'])).stdout.trim();
    expect(await host.pathInfo(root)).toEqual({ exists: true, isDirectory: true, owner });
    expect(await host.pathInfo(join(root, 'file'))).toEqual({ exists: true, isDirectory: false, owner });
    expect(await host.pathInfo(join(root, 'missing'))).toEqual({ exists: false, isDirectory: false });
  });
});
