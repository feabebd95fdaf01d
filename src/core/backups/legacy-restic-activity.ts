import type { Deps } from '../ports.js';

// The legacy restic controller's memory of its own background work (rest.md §4.7.1): the reference kept
// it in the API process, and so do we. Everything else the legacy view shows comes from the shared core
// state (settings, snapshot cache, jobs).

/** How one piece of background work ended; `failure` is its error text, null when it succeeded. */
export interface LegacyOutcome {
  at: Date;
  failure: string | null;
}

export type LegacyWorkKind = 'initialization' | 'reload';

type ActivityDeps = Pick<Deps, 'background' | 'clock' | 'logger'>;

/** Background initialisations and snapshot reloads started through the legacy paths, how the last one ended, and the last failure. */
export class LegacyResticActivity {
  private initializations = 0;
  private outcome: LegacyOutcome | undefined;
  private failure: LegacyOutcome | undefined;

  /** True while an initialisation started by `PUT /services/restic/backblaze/config` runs. */
  get initializing(): boolean {
    return this.initializations > 0;
  }

  get lastOutcome(): LegacyOutcome | undefined {
    return this.outcome && { ...this.outcome };
  }

  /** The last failure, even when later work succeeded (the legacy controller never cleared its error text). */
  get lastFailure(): LegacyOutcome | undefined {
    return this.failure && { ...this.failure };
  }

  /**
   * Runs `work` detached (the legacy calls answered at once) and records how it ended. `secrets` are
   * blanked out of a failure's text before it is kept or logged.
   */
  start(deps: ActivityDeps, kind: LegacyWorkKind, work: () => Promise<void>, secrets: readonly string[] = []): void {
    if (kind === 'initialization') this.initializations++; // before run(): a status read right after sees it
    deps.background.run(`legacy restic ${kind}`, async () => {
      try {
        await work();
        this.outcome = { at: deps.clock.now(), failure: null };
      } catch (err) {
        const failure = redact(err instanceof Error ? err.message : String(err), secrets);
        this.outcome = { at: deps.clock.now(), failure };
        this.failure = this.outcome;
        deps.logger.warn(`legacy restic ${kind} failed`, { error: failure });
      } finally {
        if (kind === 'initialization') this.initializations--;
      }
    });
  }
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.replaceAll(secret, '[hidden]'), text);
}

// One activity per process: keyed by the process's backup state store, the one object every front door
// of a composed process shares (and each test's deps has its own).
const activities = new WeakMap<object, LegacyResticActivity>();

/** This process's legacy restic activity. */
export function legacyResticActivity(deps: Pick<Deps, 'backupState'>): LegacyResticActivity {
  let activity = activities.get(deps.backupState);
  if (!activity) activities.set(deps.backupState, (activity = new LegacyResticActivity()));
  return activity;
}
