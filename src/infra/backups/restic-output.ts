import type { BackupProgress, ResticSnapshot } from '../../core/backups/backup-types.js';
import { reasonFromTags } from '../../core/backups/backup-types.js';

// Reading restic's `--json` output: one JSON object a line from `backup`, one array from `snapshots`.

export type BackupMessage =
  | { kind: 'status'; progress: BackupProgress }
  | { kind: 'summary'; snapshotId: string; progress: BackupProgress }
  | { kind: 'error'; message: string }
  | { kind: 'other' };

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** One line of `restic backup --json`; null when it is not a JSON object (the caller logs and skips it). */
export function parseBackupLine(line: string): BackupMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  switch (m.message_type) {
    case 'status':
      return {
        kind: 'status',
        progress: {
          percent: Math.min(100, Math.max(0, Math.floor(num(m.percent_done) * 100))),
          bytesDone: num(m.bytes_done),
          bytesTotal: num(m.total_bytes),
          filesDone: num(m.files_done),
          filesTotal: num(m.total_files),
        },
      };
    case 'summary': {
      if (typeof m.snapshot_id !== 'string' || m.snapshot_id === '') return { kind: 'other' };
      // The summary's totals are the last progress: small backups end before restic prints a complete status line.
      const bytes = num(m.total_bytes_processed);
      const files = num(m.total_files_processed);
      return {
        kind: 'summary',
        snapshotId: m.snapshot_id.slice(0, 8),
        progress: { percent: 100, bytesDone: bytes, bytesTotal: bytes, filesDone: files, filesTotal: files },
      };
    }
    case 'error': {
      const error = m.error as { message?: unknown } | undefined;
      const text = typeof error?.message === 'string' ? error.message : JSON.stringify(m.error ?? m);
      return { kind: 'error', message: typeof m.item === 'string' ? `${m.item}: ${text}` : text };
    }
    default:
      return { kind: 'other' };
  }
}

/** `restic snapshots --json`: the entries that read as snapshots, and how many did not. */
export function parseSnapshots(stdout: string): { snapshots: ResticSnapshot[]; skipped: number } {
  const list: unknown = JSON.parse(stdout.trim() || '[]');
  if (!Array.isArray(list)) throw new Error('restic snapshots --json did not print a list');
  const snapshots: ResticSnapshot[] = [];
  let skipped = 0;
  for (const entry of list) {
    const snapshot = toSnapshot(entry);
    if (snapshot) snapshots.push(snapshot);
    else skipped++;
  }
  return { snapshots, skipped };
}

function toSnapshot(entry: unknown): ResticSnapshot | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const e = entry as Record<string, unknown>;
  const id = typeof e.short_id === 'string' ? e.short_id : typeof e.id === 'string' ? e.id.slice(0, 8) : undefined;
  const time = typeof e.time === 'string' ? new Date(e.time) : undefined;
  if (!id || !time || Number.isNaN(time.getTime())) return null;
  const tags = stringList(e.tags);
  const paths = stringList(e.paths);
  const fullId = typeof e.id === 'string' ? e.id : '';
  return { id, fullId, time, tags, paths, serviceId: tags[0] ?? '', reason: reasonFromTags(tags) };
}

/** `restic stats <id> --json`: the snapshot's total size; null when the output is not such an object. */
export function parseStats(stdout: string): { totalSize: number; snapshotsCount: number | undefined } | null {
  const line = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{')).at(-1);
  if (line === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const m = value as Record<string, unknown>;
  if (typeof m.total_size !== 'number' || !Number.isFinite(m.total_size) || m.total_size < 0) return null;
  return { totalSize: m.total_size, snapshotsCount: typeof m.snapshots_count === 'number' ? m.snapshots_count : undefined };
}

/** Whether `restic init` said it created the repository: as text up to restic 0.14, as a JSON line later. */
export function initConfirmed(stdout: string): boolean {
  return /created restic repository/.test(stdout) || stdout.split('\n').some((line) => messageType(line) === 'initialized');
}

/**
 * Whether `restic restore` said it restored: restic up to 0.16 prints `restoring <Snapshot ...>`, later ones
 * with --json a summary line. An exit code 0 without either is not taken as a restore.
 */
export function restoreConfirmed(stdout: string): boolean {
  if (/^restoring /m.test(stdout)) return true;
  return stdout.split('\n').some((line) => messageType(line) === 'summary');
}

function messageType(line: string): unknown {
  try {
    return (JSON.parse(line) as { message_type?: unknown } | null)?.message_type;
  } catch {
    return undefined;
  }
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
