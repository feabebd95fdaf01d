// Output of the real programs, as recorded on NixOS servers, for the adapter and parser tests.
// Where a program writes to both streams, the stream is kept (nix and git chat on stderr).

/** `systemctl show --property=Id,LoadState,ActiveState -- dovecot2.service postfix.service gitea.service` (systemd 255, gitea disabled). */
export const SYSTEMCTL_SHOW = [
  'Id=dovecot2.service',
  'LoadState=loaded',
  'ActiveState=active',
  '',
  'Id=postfix.service',
  'LoadState=loaded',
  'ActiveState=failed',
  '',
  'Id=gitea.service',
  'LoadState=not-found',
  'ActiveState=inactive',
  '',
].join('\n');

// `lsblk -J -b -o NAME,PATH,FSAVAIL,FSSIZE,FSTYPE,FSUSED,MOUNTPOINTS,LABEL,UUID,SIZE,MODEL,SERIAL,TYPE` as printed by
// util-linux 2.39 on a Hetzner Cloud CX22 running NixOS with one attached volume: -b sizes are JSON numbers,
// unmounted devices have `"mountpoints": [null]`, and the root partition also shows the read-only /nix/store bind mount.
export const HETZNER_LSBLK = `{
   "blockdevices": [
      {
         "name": "sda",
         "path": "/dev/sda",
         "fsavail": null,
         "fssize": null,
         "fstype": null,
         "fsused": null,
         "mountpoints": [
             null
         ],
         "label": null,
         "uuid": null,
         "size": 40961572864,
         "model": "QEMU HARDDISK",
         "serial": "drive-scsi0-0-0-0",
         "type": "disk",
         "children": [
            {
               "name": "sda1",
               "path": "/dev/sda1",
               "fsavail": 30820466688,
               "fssize": 39973404672,
               "fstype": "ext4",
               "fsused": 7466786816,
               "mountpoints": [
                   "/nix/store", "/"
               ],
               "label": "nixos",
               "uuid": "7d1c6a3e-5f4b-4c2a-9e8d-0a1b2c3d4e5f",
               "size": 40842059264,
               "model": null,
               "serial": null,
               "type": "part"
            },{
               "name": "sda14",
               "path": "/dev/sda14",
               "fsavail": null,
               "fssize": null,
               "fstype": null,
               "fsused": null,
               "mountpoints": [
                   null
               ],
               "label": null,
               "uuid": null,
               "size": 1048576,
               "model": null,
               "serial": null,
               "type": "part"
            },{
               "name": "sda15",
               "path": "/dev/sda15",
               "fsavail": 264579072,
               "fssize": 264289280,
               "fstype": "vfat",
               "fsused": 6291456,
               "mountpoints": [
                   "/boot"
               ],
               "label": "UEFI",
               "uuid": "C3B2-6A1F",
               "size": 268435456,
               "model": null,
               "serial": null,
               "type": "part"
            }
         ]
      },{
         "name": "sdb",
         "path": "/dev/sdb",
         "fsavail": 10188570624,
         "fssize": 10464022528,
         "fstype": "ext4",
         "fsused": 4096,
         "mountpoints": [
             "/volumes/sdb"
         ],
         "label": null,
         "uuid": "1b2c3d4e-0000-4000-8000-000000000001",
         "size": 10737418240,
         "model": "Volume",
         "serial": "HC_Volume_101010101",
         "type": "disk"
      },{
         "name": "sr0",
         "path": "/dev/sr0",
         "fsavail": null,
         "fssize": null,
         "fstype": null,
         "fsused": null,
         "mountpoints": [
             null
         ],
         "label": null,
         "uuid": null,
         "size": 1073741312,
         "model": "QEMU DVD-ROM",
         "serial": "QM00003",
         "type": "rom"
      }
   ]
}
`;

/** `uname -a` on the same server. */
export const UNAME = 'Linux my-server 6.6.63 #1-NixOS SMP PREEMPT_DYNAMIC Fri Nov 22 14:38:37 UTC 2024 x86_64 GNU/Linux\n';

/** `journalctl -u sp-nixos-rebuild.service -n 10 -o cat` after a failed rebuild. */
export const JOURNAL_TAIL = [
  'building the system configuration...',
  "error: builder for '/nix/store/8q2vd6wnl1c7yz3g0m4h5j6k7l8p9r0s-unit-nginx.service.drv' failed with exit code 1;",
  '       last 1 log lines:',
  '       > nginx: [emerg] unknown directive "sever_name" in /nix/store/abc-nginx.conf:12',
  "       For full logs, run 'nix log /nix/store/8q2vd6wnl1c7yz3g0m4h5j6k7l8p9r0s-unit-nginx.service.drv'.",
  '',
  "error: 1 dependencies of derivation '/nix/store/x9w8v7t6s5r4q3p2n1m0l9k8j7h6g5f4-nixos-system-my-server.drv' failed to build",
  'sp-nixos-rebuild.service: Main process exited, code=exited, status=1/FAILURE',
  "sp-nixos-rebuild.service: Failed with result 'exit-code'.",
  'Failed to start NixOS Rebuild.',
  '',
].join('\n');

/** `git pull` in /etc/nixos, a fast-forward: progress on stderr, the summary on stdout. */
export const GIT_PULL_OK: [stream: 'out' | 'err', text: string][] = [
  ['err', 'From https://git.selfprivacy.org/SelfPrivacy/selfprivacy-nixos-template\n'],
  ['err', '   1a2b3c4..5d6e7f8  master     -> origin/master\n'],
  ['out', 'Updating 1a2b3c4..5d6e7f8\n'],
  ['out', 'Fast-forward\n flake.lock | 8 ++++----\n 1 file changed, 4 insertions(+), 4 deletions(-)\n'],
];

/** `git pull` without network. */
export const GIT_PULL_FAILED = "fatal: unable to access 'https://git.selfprivacy.org/SelfPrivacy/selfprivacy-nixos-template/': Could not resolve host: git.selfprivacy.org\n";

/** `nix-env -p /nix/var/nix/profiles/system --delete-generations old` (stderr). */
export const NIX_ENV_DELETE = 'removing profile version 40\nremoving profile version 41\nremoving profile version 42\n';

/** `nix-store --gc --print-dead`: chatter on stderr, the dead paths on stdout. */
export const PRINT_DEAD = {
  stderr: 'finding garbage collector roots...\ndetermining live/dead paths...\n',
  stdout: [
    '/nix/store/0c5ba0b1hv1q6d6n3i7yd6kfkm0ig1ax-nginx-1.26.2',
    '/nix/store/2a0gk6q8mfqxk3b2d2r5zn8i6xa6sl8l-nixos-system-my-server-24.05.drv',
    '/nix/store/9w7s1jwq8lqz5v1l9fa9nv0ls3x0fyr1-source',
  ].join('\n').concat('\n'),
};

/** `nix-store --gc`, in the order the lines appear on a terminal (deletions on stderr, the summary on stdout). */
export const GC_RUN: [stream: 'out' | 'err', text: string][] = [
  ['err', 'finding garbage collector roots...'],
  ['err', "removing stale link from '/nix/var/nix/gcroots/auto/ad8b6fj3ljdlbbmdqxkwv6p8sxmlw33q' to '/root/result'"],
  ['err', 'deleting garbage...'],
  ['err', "deleting '/nix/store/0c5ba0b1hv1q6d6n3i7yd6kfkm0ig1ax-nginx-1.26.2'"],
  ['err', "deleting '/nix/store/2a0gk6q8mfqxk3b2d2r5zn8i6xa6sl8l-nixos-system-my-server-24.05.drv'"],
  ['err', "deleting '/nix/store/9w7s1jwq8lqz5v1l9fa9nv0ls3x0fyr1-source'"],
  ['err', "deleting '/nix/store/trash'"],
  ['err', 'deleting unused links...'],
  ['err', 'note: currently hard linking saves 1203.43 MiB'],
  ['out', '3 store paths deleted, 339.84 MiB freed'],
];

/** `du -s -b -l -- /var/lib/nextcloud /var/lib/gitea /var/lib/pleroma` where pleroma never ran (exit code 1). */
export const DU = {
  stdout: '3650722201\t/var/lib/nextcloud\n440401920\t/var/lib/gitea\n',
  stderr: "du: cannot access '/var/lib/pleroma': No such file or directory\n",
  exitCode: 1,
};

/** `resize2fs /dev/sdb` after the volume grew from 10 to 20 GiB, online. */
export const RESIZE2FS = {
  stderr: 'resize2fs 1.47.0 (5-Feb-2023)\nFilesystem at /dev/sdb is mounted on /volumes/sdb; on-line resizing required\nold_desc_blocks = 2, new_desc_blocks = 3\n',
  stdout: 'The filesystem on /dev/sdb is now 5242880 (4k) blocks long.\n\n',
};

/** `/var/dkim/example.org.selector.txt` as the mail server module writes it. */
export const DKIM_FILE = [
  'selector._domainkey IN TXT ( "v=DKIM1; k=rsa; "',
  '\t"p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAv3Tq8zXh0mVQk5bqJ1h6r9bH0c2l4kP3r7dYV9jQ8Ww2xvC5nN1mZ8qJ3fK4tL6pR2sD1gH0aB9cE8fG7hI6jK5lM4nO3pQ2rS1tU0vW9xY8zA7bC6dE5fG4hI3jK2lM1nO0pQ9rS8tU7vW6xY5zA4bC3dE2fG1hI0jK9lM8nO7pQ6rS5tU4vW3xY2zA1bC0dE9fG8hI7jK6lM5nO4pQ3rS2tU1vW0xY9zA8bC7dE6fG5hI4jK3lM2nO1pQ0rS9tU8vW7xY6zA5bC4dE3fG2hI1jK0lM9nO8pQ7rS6tU5vW4xY3zA2bC1dE0fG9hI8jK7lM6nO5pQ4rS3tU2vW1xY0zA9bC8dE7fG6hI5jK4"',
  '\t"lM3nO2pQ1rS0tU9vW8xY7zA6bC5dE4fG3hI2jK1lM0nO9pQ8rS7tU6vW5xY4zA3bC2dE1fG0hI9jK8lM7nO6wIDAQAB" )  ; ----- DKIM key selector for example.org',
  '',
].join('\n');

/** lego's account.json (`/var/lib/acme/.lego/accounts/<hash>/acme-v02.api.letsencrypt.org/<email>/account.json`). */
export const legoAccount = (uri: string) =>
  `${JSON.stringify(
    {
      email: 'admin@example.org',
      registration: { body: { status: 'valid', contact: ['mailto:admin@example.org'] }, uri },
      key: null,
    },
    null,
    '\t',
  )}\n`;
