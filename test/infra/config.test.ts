import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig: host files and public URL', () => {
  it('on a NixOS host keeps the files where NixOS puts them', () => {
    const config = loadConfig({ SP_HOST: 'nixos', DATA_DIR: '/var/lib/selfprivacy-api' });
    expect(config).toMatchObject({
      hostKind: 'nixos',
      dataDir: '/var/lib/selfprivacy-api',
      userdataPath: '/etc/nixos/userdata.json',
      secretsPath: '/etc/selfprivacy/secrets.json',
      modulesDir: '/etc/sp-modules',
      nixosConfigDir: '/etc/nixos',
    });
    expect(config.publicUrl).toBeUndefined();
  });

  it('on the simulated host keeps everything under DATA_DIR', () => {
    const config = loadConfig({ SP_HOST: 'simulated', DATA_DIR: '/srv/sp-data' });
    expect(config).toMatchObject({
      hostKind: 'simulated',
      userdataPath: '/srv/sp-data/userdata.json',
      secretsPath: '/srv/sp-data/secrets.json',
      modulesDir: '/srv/sp-data/sp-modules',
      nixosConfigDir: '/etc/nixos',
    });
  });

  it('resolves a relative DATA_DIR (default ./data) against the working directory', () => {
    const config = loadConfig({ SP_HOST: 'simulated' });
    expect(config.dataDir).toBe(resolve('data'));
    expect(config.userdataPath).toBe(join(resolve('data'), 'userdata.json'));
  });

  it('takes SP_USERDATA_PATH, SP_SECRETS_PATH, SP_MODULES_DIR and SP_NIXOS_CONFIG_DIR over the defaults, made absolute', () => {
    const config = loadConfig({
      SP_HOST: 'nixos',
      SP_USERDATA_PATH: '/etc/nixos/userdata/userdata.json',
      SP_SECRETS_PATH: 'relative/secrets.json',
      SP_MODULES_DIR: '/run/current-system/sw/share/sp-modules',
      SP_NIXOS_CONFIG_DIR: 'checkout',
    });
    expect(config).toMatchObject({
      userdataPath: '/etc/nixos/userdata/userdata.json',
      secretsPath: resolve('relative/secrets.json'),
      modulesDir: '/run/current-system/sw/share/sp-modules',
      nixosConfigDir: resolve('checkout'),
    });
  });

  it('refuses an SP_MODULES_DIR that is relative, not normalised or the root folder', () => {
    for (const value of ['sp-modules', './sp-modules', '/etc/sp-modules/', '/etc//sp-modules', '/etc/../sp-modules', '/etc/./sp-modules', '/']) {
      expect(() => loadConfig({ SP_HOST: 'nixos', SP_MODULES_DIR: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ SP_HOST: 'nixos', SP_MODULES_DIR: value }), value).toThrow(`SP_MODULES_DIR must be an absolute, normalised folder path`);
    }
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ SP_HOST: 'nixos', SP_USERDATA_PATH: '', SP_SECRETS_PATH: '', SP_MODULES_DIR: '', SP_NIXOS_CONFIG_DIR: '', SP_PUBLIC_URL: '' });
    expect(config).toMatchObject({ userdataPath: '/etc/nixos/userdata.json', secretsPath: '/etc/selfprivacy/secrets.json', modulesDir: '/etc/sp-modules', nixosConfigDir: '/etc/nixos' });
    expect(config.publicUrl).toBeUndefined();
  });

  it('accepts an http(s) SP_PUBLIC_URL and drops its trailing slash', () => {
    expect(loadConfig({ SP_HOST: 'simulated', SP_PUBLIC_URL: 'https://api.example.org/' }).publicUrl).toBe('https://api.example.org');
    expect(loadConfig({ SP_HOST: 'simulated', SP_PUBLIC_URL: 'http://127.0.0.1:5050/sp/' }).publicUrl).toBe('http://127.0.0.1:5050/sp');
    expect(loadConfig({ SP_HOST: 'simulated', SP_PUBLIC_URL: 'HTTPS://API.Example.ORG' }).publicUrl).toBe('https://api.example.org');
  });

  it.each(['api.example.org', 'ftp://api.example.org', 'javascript:alert(1)', 'https://', '/relative/path'])(
    'rejects SP_PUBLIC_URL=%s with a ConfigError naming the variable',
    (value) => {
      expect(() => loadConfig({ SP_HOST: 'simulated', SP_PUBLIC_URL: value })).toThrow(ConfigError);
      expect(() => loadConfig({ SP_HOST: 'simulated', SP_PUBLIC_URL: value })).toThrow(`SP_PUBLIC_URL must be an http(s) URL, not "${value}"`);
    },
  );

  it('reads SP_PROMETHEUS_URL as an http(s) URL, unset by default', () => {
    expect(loadConfig({ SP_HOST: 'nixos' }).prometheusUrl).toBeUndefined();
    expect(loadConfig({ SP_HOST: 'simulated', SP_PROMETHEUS_URL: 'http://127.0.0.1:9090/' }).prometheusUrl).toBe('http://127.0.0.1:9090');
    expect(() => loadConfig({ SP_HOST: 'simulated', SP_PROMETHEUS_URL: 'localhost:9001' })).toThrow('SP_PROMETHEUS_URL must be an http(s) URL, not "localhost:9001"');
  });

  it('rejects an unknown SP_HOST', () => {
    expect(() => loadConfig({ SP_HOST: 'docker' })).toThrow('SP_HOST must be "nixos" or "simulated", not "docker"');
  });
});
