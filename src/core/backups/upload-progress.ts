import type { ReportProgress } from '../jobs/job-runner.js';
import { BACKUP_STEPS } from './backup-messages.js';
import type { BackupProgress } from './backup-types.js';

// One log line every this many percent: restic prints several status lines a second.
const LOG_EVERY_PERCENT = 5;

/** Turns restic's status lines into job progress (each new whole percent) and a log line every few percent. */
export class UploadProgress {
  // the job is at 0 when the upload starts
  private percent = 0;
  private loggedPercent = -Infinity;
  private reports: Promise<void> = Promise.resolve();

  constructor(
    private readonly report: ReportProgress,
    private readonly log: (text: string) => void,
  ) {}

  update(progress: BackupProgress): void {
    if (progress.percent !== this.percent) {
      this.percent = progress.percent;
      this.reports = this.reports.then(() => this.report({ progress: progress.percent }));
    }
    if (progress.percent - this.loggedPercent >= LOG_EVERY_PERCENT || (progress.percent === 100 && this.loggedPercent !== 100)) {
      this.loggedPercent = progress.percent;
      this.log(BACKUP_STEPS.uploaded(formatBytes(progress.bytesDone), formatBytes(progress.bytesTotal), progress.filesDone, progress.filesTotal));
    }
  }

  /** Resolves once every progress report has been written. */
  settled(): Promise<void> {
    return this.reports;
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
