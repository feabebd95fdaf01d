import type { Deps } from '../ports.js';
import { type DueDeps, servicesDueForBackup } from './autobackup-due.js';
import { AUTOBACKUP_RESOURCE, startAutomaticBackup } from './automatic-backup.js';
import type { BackupJobDeps } from './service-backup.js';
import { reloadSnapshots } from './snapshots.js';

export const AUTOBACKUP_TICK_MS = 60_000;
// The reference's worker reloaded the snapshot cache at minute 0 of every hour divisible by 12 (its cron ran in UTC).
const CACHE_RELOAD_HOURS = 12;

export type SchedulerDeps = BackupJobDeps & DueDeps & Pick<Deps, 'schedulerLeadership'>;

export interface AutobackupScheduler {
  /** Runs one check now, as the timer does (or joins the one under way); never rejects. */
  tick(): Promise<void>;
  /** Stops ticking, waits for a check under way (not for the backup or reload it started) and gives the leadership up. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs` (a minute), when this process leads: reloads the snapshot cache once in each hour divisible
 * by 12 (UTC), and starts an automatic backup of the services that are due unless one is still running. Ticks
 * never overlap; a failing tick is logged and the next one runs as usual.
 */
export function startAutobackupScheduler(deps: SchedulerDeps, options: { intervalMs?: number } = {}): AutobackupScheduler {
  let reloadedSlot: string | undefined;
  let ticking: Promise<void> | undefined;

  const tickOnce = async () => {
    if (!(await deps.schedulerLeadership.holds())) return;
    const now = deps.clock.now();
    const slot = cacheReloadSlot(now);
    if (slot !== undefined && slot !== reloadedSlot) {
      reloadedSlot = slot; // once per slot, also when it fails
      // in the background: a slow repository holds up neither this check nor a shutdown
      deps.background.run('snapshot cache reload', () =>
        reloadSnapshots(deps).then(
          () => undefined,
          (err: unknown) => deps.logger.error('snapshot cache reload failed', { error: String(err) }),
        ),
      );
    }
    // an automatic backup spans many ticks: the next one starts after it ends
    if (await deps.jobs.findHolder(AUTOBACKUP_RESOURCE)) return;
    const due = await servicesDueForBackup(deps, now);
    if (due.length === 0) return;
    const job = await startAutomaticBackup(deps, due);
    deps.logger.info('automatic backup started', { uid: job.uid, services: due.map((s) => s.id) });
  };

  const tick = () =>
    (ticking ??= tickOnce()
      .catch((err: unknown) => deps.logger.error('automatic backup check failed', { error: String(err) }))
      .finally(() => (ticking = undefined)));

  const timer = setInterval(() => void tick(), options.intervalMs ?? AUTOBACKUP_TICK_MS);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await ticking;
      await deps.schedulerLeadership.release();
    },
  };
}

/** `YYYY-MM-DDTHH` of a UTC hour divisible by 12, undefined in the other hours. */
function cacheReloadSlot(now: Date): string | undefined {
  return now.getUTCHours() % CACHE_RELOAD_HOURS === 0 ? now.toISOString().slice(0, 13) : undefined;
}
