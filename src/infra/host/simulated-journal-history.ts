// What a small NixOS server's journal holds a few hours after boot: kernel, systemd starting each unit,
// then the services' own chatter. Written once, when the simulated journal is empty.
import type { Logger } from '../../core/ports.js';
import { JournalSegments } from './journal-segments.js';
import { type JournalLine, SimulatedJournal } from './simulated-journal.js';

const KERNEL = [
  'Linux version 6.6.52 (nixbld@localhost) (gcc (GCC) 13.3.0, GNU ld (GNU Binutils) 2.42) #1-NixOS SMP PREEMPT_DYNAMIC',
  'Command line: initrd=\\EFI\\nixos\\initrd.efi init=/nix/store/sim-nixos-system/init loglevel=4',
  'BIOS-provided physical RAM map:',
  'DMI: Hetzner vServer/Standard PC (Q35 + ICH9, 2009), BIOS 20171111 11/11/2017',
  'Hypervisor detected: KVM',
  'Memory: 3914672K/4193784K available',
  'smpboot: CPU0: AMD EPYC Processor (with IBPB) (family: 0x17, model: 0x31, stepping: 0x0)',
  'smp: Brought up 1 node, 2 CPUs',
  'clocksource: Switched to clocksource kvm-clock',
  'NET: Registered PF_INET6 protocol family',
  'virtio_blk virtio2: [vda] 83886080 512-byte logical blocks (42.9 GB/40.0 GiB)',
  'sd 0:0:0:1: [sdb] 41943040 512-byte logical blocks: (21.5 GB/20.0 GiB)',
  'EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.',
  'EXT4-fs (sdb): mounted filesystem with ordered data mode. Quota mode: none.',
  'virtio_net virtio1 enp1s0: renamed from eth0',
  'audit: type=1403 audit(0.0:2): auid=4294967295 ses=4294967295 lsm=selinux res=1',
];

const CHATTER: Record<string, (i: number) => string> = {
  'sshd.service': (i) => `Connection closed by 198.51.100.${(i * 37) % 250} port ${40000 + ((i * 7919) % 20000)} [preauth]`,
  'postfix.service': (i) => `postfix/smtpd[${2100 + i}]: connect from mail-${i % 7}.example.net[192.0.2.${(i * 13) % 250}]`,
  'dovecot.service': (i) => `imap-login: Login: user=<alice>, method=PLAIN, rip=203.0.113.${(i * 11) % 250}, mpid=${3100 + i}, TLS`,
  'nginx.service': (i) => `2001:db8::${(i % 9) + 1} - - "GET /index.php/apps/files/ HTTP/2.0" 200 ${1024 + ((i * 331) % 9000)}`,
  'phpfpm-nextcloud.service': () => 'NOTICE: [pool nextcloud] child exited with code 0 after 3600.002 seconds from start',
  'forgejo.service': (i) => `router: completed GET /api/v1/repos/alice/notes/commits 200 OK in ${(i % 40) + 3}.2ms`,
  'vaultwarden.service': () => '[vaultwarden::api::identity][INFO] User alice@example.org logged in successfully.',
  'prometheus.service': (i) => `ts=2025 caller=compact.go:519 level=info component=tsdb msg="write block" mint=${i} duration=112ms`,
  'selfprivacy-api.service': () => 'INFO:     127.0.0.1 - "POST /graphql HTTP/1.1" 200 OK',
};

/** Lines from boot (`hoursAgo` before `now`) until now, spaced evenly: kernel, units starting, chatter. */
export function bootHistory(units: readonly string[], now: Date, hoursAgo = 6): JournalLine[] {
  const boot = now.getTime() - hoursAgo * 3_600_000;
  const lines: Omit<JournalLine, 'timestamp'>[] = [];
  for (const message of KERNEL) lines.push({ unit: null, slice: null, message, priority: 6 });
  lines.push({ unit: null, slice: null, message: 'systemd 255.9 running in system mode (+PAM +AUDIT -SELINUX +APPARMOR +IMA +SMACK +SECCOMP)', priority: 6 });
  const running = units.filter((u) => !u.startsWith('sp-nixos-'));
  for (const unit of running) lines.push({ unit: 'init.scope', message: `Starting ${describe(unit)}...` });
  for (const unit of running) lines.push({ unit: 'init.scope', message: `Started ${describe(unit)}.` });
  lines.push({ unit: 'init.scope', message: 'Reached target Multi-User System.' });
  const chattering = running.filter((u) => CHATTER[u]);
  for (let i = 0; i < 320; i += 1) {
    const unit = chattering[i % chattering.length]!;
    lines.push({ unit, message: CHATTER[unit]!(i), priority: i % 29 === 0 ? 4 : 6 });
    if (i % 60 === 59) lines.push({ unit: 'session-1.scope', message: 'pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)' });
  }
  const step = (now.getTime() - boot) / lines.length;
  return lines.map((line, i) => ({ ...line, timestamp: new Date(Math.round(boot + i * step)) }));
}

function describe(unit: string): string {
  return unit.replace(/\.service$/, '').replace(/-/g, ' ');
}

/** The simulated journal kept under `dir`, with a boot's worth of history on first use. */
export function openSimulatedJournal(dir: string, now: () => Date, units: readonly string[], logger: Logger): SimulatedJournal {
  const segments = new JournalSegments(dir, (file, line) => logger.warn('skipped an unreadable simulated journal line', { file, line }));
  const journal = new SimulatedJournal(now, segments);
  if (journal.size === 0) journal.appendAll(bootHistory(units, now()));
  return journal;
}
