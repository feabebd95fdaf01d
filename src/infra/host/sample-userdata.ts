import type { Secrets, UserData } from '../../core/userdata/userdata-types.js';

// The userdata of the simulated server on its first start: what a freshly set-up SelfPrivacy
// server with a few services looks like. The password hashes are SHA-512 crypt of random strings.

export function sampleUserData(): UserData {
  return {
    domain: 'example.org',
    hostname: 'my-server',
    timezone: 'Europe/Berlin',
    username: 'alice',
    hashedMasterPassword: '$6$QyeHUvi0/HRL4Flu$FjGRtfRbOQdncONEFGt9CZ1FKHAao0c5xnaNYkaa.wqyNavRN/fNKsflLCxzowbmRPPnvhSynZXZGMwb.5F8F/',
    sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMF06hj34Ete8Ys2vQXYfy/YnNLtyaTj64Fbc2WAgSm7 alice@laptop'],
    users: [
      {
        username: 'bob',
        hashedPassword: '$6$fQmZ8hB2rJ1yT7cK$ht8uAlHj61iYBg/1PxaRZMpAC7M7BftE39RkPrQV61OHeu49k6uPLr0SaqDoL/AUFv2UBR9kGW2eYcjYJDM7z/',
        sshKeys: [],
      },
    ],
    ssh: {
      enable: true,
      passwordAuthentication: false,
      rootKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO2rMzv3iRW4QvQ2fs5aBXOLU/ekBHNz/gZXG585YLdM admin@desk'],
    },
    autoUpgrade: { enable: true, allowReboot: false },
    dns: { provider: 'CLOUDFLARE', useStagingACME: false },
    server: { provider: 'HETZNER' },
    useBinds: true,
    modules: {
      'simple-nixos-mailserver': { enable: true, location: 'sda1' },
      monitoring: { enable: true, location: 'sda1' },
      nextcloud: { enable: true, location: 'sdb', subdomain: 'cloud', enableImagemagick: true },
      gitea: { enable: true, location: 'sda1', subdomain: 'git' },
      bitwarden: { enable: true, location: 'sda1', subdomain: 'password' },
    },
    volumes: [{ device: '/dev/disk/by-uuid/1b2c3d4e-0000-4000-8000-000000000001', mountPoint: '/volumes/sdb', fsType: 'ext4' }],
    postgresql: { location: 'sda1' },
  };
}

export function sampleSecrets(): Secrets {
  return { dns: { token: 'simulated-dns-provider-token' }, api: { skippedMigrations: [] } };
}
