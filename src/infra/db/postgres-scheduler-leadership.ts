import type { Sql } from 'postgres';
import type { SchedulerLeadership } from '../../core/backups/backup-ports.js';
import type { Logger } from '../../core/ports.js';

// The advisory lock every API process on one database competes for (the migration lock is 727274).
export const SCHEDULER_LOCK_KEY = 727275;

/**
 * The scheduler lock as a session-level PostgreSQL advisory lock, taken on a client of its own with one
 * connection: the server frees the lock when that session ends, so a crashed holder hands it over. Each call asks
 * the session whether it still holds the lock; a lost connection answers false, and postgres.js opens a new one
 * for the next call. (A connection from `sql.reserve()` is not used: once its session is killed, postgres.js
 * writes to the closed socket and throws outside any promise.)
 */
export class PostgresSchedulerLeadership implements SchedulerLeadership {
  private pending: Promise<boolean> | undefined;
  private released = false;

  /** `session` must be a client with `max: 1`, owned by this object (release ends it). */
  constructor(
    private readonly session: Sql,
    private readonly logger: Logger,
  ) {}

  /** A leadership on its own one-connection client to the database at `url`. */
  static async connect(url: string, logger: Logger): Promise<PostgresSchedulerLeadership> {
    const { default: postgres } = await import('postgres');
    return new PostgresSchedulerLeadership(postgres(url, { max: 1, onnotice: () => {} }), logger);
  }

  holds(): Promise<boolean> {
    // One check at a time on the one connection.
    this.pending ??= this.check().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.pending;
    try {
      await this.session`select pg_advisory_unlock_all()`;
    } catch (err) {
      this.logger.warn('could not give up the backup scheduler lock; it ends with the connection', { error: String(err) });
    }
    await this.session.end({ timeout: 5 });
  }

  private async check(): Promise<boolean> {
    if (this.released) return false;
    try {
      // Whether this session holds the lock already, before taking it: a reconnected session does not, and a
      // lock taken twice would need two unlocks.
      const [row] = await this.session<{ held: boolean }[]>`
        select case
          when exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
                       and classid = 0 and objid = ${SCHEDULER_LOCK_KEY}::int::oid and objsubid = 1 and granted)
          then true
          else pg_try_advisory_lock(${SCHEDULER_LOCK_KEY}::bigint)
        end as held`;
      return row?.held === true;
    } catch (err) {
      this.logger.warn('the connection for the backup scheduler lock failed; trying again on a new one next time', { error: String(err) });
      return false;
    }
  }
}

/** An embedded database belongs to one process, which therefore always runs the scheduler. */
export class EmbeddedSchedulerLeadership implements SchedulerLeadership {
  async holds(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {}
}
