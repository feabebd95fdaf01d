import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config.js';
import { relayJobCancellations, shutdownCancellation } from './core/jobs/job-cancellation.js';
import { failInterruptedJobs } from './core/jobs/jobs.js';
import { startAutobackupScheduler } from './core/backups/autobackup-scheduler.js';
import type { Deps, Logger, MetricsSource, PubSub } from './core/ports.js';
import { type DataDirLock, lockDataDir } from './infra/db/data-dir-lock.js';
import { type Database, openPglite, openPostgres } from './infra/db/database.js';
import { DrizzleAuthKeyRepository } from './infra/db/drizzle-auth-key.repository.js';
import { DrizzleBackupStateRepository } from './infra/db/drizzle-backup-state.repository.js';
import { DrizzleEmailPasswordRepository } from './infra/db/drizzle-email-password.repository.js';
import { DrizzleInstanceRegistry, DrizzleJobRepository } from './infra/db/drizzle-job.repository.js';
import { DrizzleTokenRepository } from './infra/db/drizzle-token.repository.js';
import { CachedTokenRepository } from './core/auth/token-cache.js';
import { DrizzleReferenceImportLedger } from './infra/db/drizzle-reference-import-ledger.js';
import { EmbeddedSchedulerLeadership, PostgresSchedulerLeadership } from './infra/db/postgres-scheduler-leadership.js';
import { ExecRestic } from './infra/backups/exec-restic.js';
import { MemoryRestic } from './infra/backups/memory-restic.js';
import { NodeBackupFiles } from './infra/backups/node-backup-files.js';
import { ProviderRestic } from './infra/backups/provider-restic.js';
import { InMemoryPubSub } from './infra/pubsub/in-memory.pubsub.js';
import { PostgresPubSub } from './infra/pubsub/postgres.pubsub.js';
import { MemoryAttemptLimiter } from './infra/runtime/attempt-limiter.js';
import { SlidingWindowAttemptLimiter } from './infra/runtime/sliding-window-limiter.js';
import { InProcessBackgroundWork } from './infra/runtime/background-work.js';
import { SystemClock } from './infra/runtime/system-clock.js';
import type { Host } from './core/host/host-types.js';
import type { Secrets, UserData } from './core/userdata/userdata-types.js';
import { JsonFileStore } from './infra/files/json-file-store.js';
import { CommandRunner } from './infra/host/command-runner.js';
import { NixosHost } from './infra/host/nixos-host.js';
import { sampleSecrets, sampleUserData } from './infra/host/sample-userdata.js';
import { SimulatedHost } from './infra/host/simulated-host.js';
import { sampleHostState } from './infra/host/simulated-host-state.js';
import { openSimulatedJournal } from './infra/host/simulated-journal-history.js';
import { JournalctlLogSource } from './infra/logs/journalctl-log-source.js';
import { LogFollowers } from './core/logs/log-followers.js';
import type { LogSource } from './core/logs/log-types.js';
import { PrometheusMetricsSource } from './infra/monitoring/prometheus-metrics-source.js';
import { SimulatedMetricsSource } from './infra/monitoring/simulated-metrics-source.js';
import { ServiceMonitor } from './core/services/service-monitor.js';
import { JobListFeed } from './core/jobs/job-list-feed.js';
import { SharedJobLogFeed } from './core/jobs/job-log-feed.js';
import { allFolders, loadServiceDefinitions } from './core/services/service-registry.js';
import { plannedServiceUnits } from './core/services/service-units-plan.js';
import { EMAIL_PASSWORD_MESSAGES } from './core/users/email-password-check.js';
import { FileServiceDefinitions } from './infra/services/file-service-definitions.js';
import { SimulatedServiceCatalogue } from './infra/services/simulated-service-catalogue.js';
import { Argon2EmailPasswordHasher } from './infra/users/email-password-hasher.js';
import { openUserStore } from './infra/users/kanidm-or-local-user-store.js';
import { WorkerPasswordHasher } from './infra/users/worker-password-hasher.js';

const HEARTBEAT_MS = 10_000;
const ALIVE_WINDOW_MS = 30_000; // a process silent this long is taken for dead
const SHUTDOWN_GRACE_MS = 5_000; // running jobs may finish within this; then they are aborted
const ABORT_GRACE_MS = 2_000; // for aborted jobs to stop; unfinished ones are settled at the next start

export interface Runtime {
  deps: Deps;
  database: Database;
  /** DATA_DIR/api.sock when this process holds DATA_DIR (the embedded database): a server serves the CLI there. */
  controlSocket?: Pick<DataDirLock, 'serve'>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Heartbeat, interrupted-job recovery and clean-up: for the server, not for one-shot CLI commands. */
  maintenance: boolean;
}

/** Opens the database configured by `config`, wires every port and returns the `deps` both front doors share. */
export async function openRuntime(config: Config, logger: Logger, options: RuntimeOptions): Promise<Runtime> {
  const pgliteDir = join(config.dataDir, 'pgdata');
  const lock = config.databaseUrl ? undefined : await lockDataDir(config.dataDir);
  let database: Database;
  try {
    database = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openPglite(pgliteDir);
  } catch (err) {
    await lock?.release();
    throw err;
  }
  const pubsub = database.sql ? new PostgresPubSub(database.sql, database.db, logger) : new InMemoryPubSub();
  if (pubsub instanceof PostgresPubSub) await pubsub.start();
  const jobs = new DrizzleJobRepository(database.db);
  // authentication without a database lookup per request; revocations from any process reach it
  const tokens = new CachedTokenRepository(new DrizzleTokenRepository(database.db));
  const instanceId = randomUUID();
  const stopForgettingRevoked = tokens.followRevocations(pubsub, { instanceId, logger });
  const clock = new SystemClock(config.timeScale);
  const machine = await openHost(config, clock, logger);
  const background = new InProcessBackgroundWork(logger);
  const passwordHasher = new WorkerPasswordHasher();
  // restic runs on the simulated host too (a FILE repository is real); its commands die with the runtime.
  const resticRunner = machine.runner ?? new CommandRunner();
  const backupFolders = backupWorkFolders(config);
  const schedulerLeadership = database.kind === 'postgres' && config.databaseUrl
    ? await PostgresSchedulerLeadership.connect(config.databaseUrl, logger)
    : new EmbeddedSchedulerLeadership();
  const deps: Deps = {
    clock,
    logger,
    pubsub,
    tokens,
    authKeys: new DrizzleAuthKeyRepository(database.db),
    jobs,
    instances: new DrizzleInstanceRegistry(database.db),
    attempts: new MemoryAttemptLimiter(config.authMaxFailures, config.authFailureWindowSeconds),
    database: { ping: async () => void (await database.db.execute('select 1')) },
    background,
    userData: machine.userData,
    secrets: machine.secrets,
    host: machine.host,
    users: openUserStore(config, { db: database.db, userData: machine.userData, clock, hasher: passwordHasher, runner: resticRunner, logger }),
    emailPasswords: new DrizzleEmailPasswordRepository(database.db),
    passwordHasher,
    emailPasswordHasher: new Argon2EmailPasswordHasher(passwordHasher),
    emailPasswordAttempts: new SlidingWindowAttemptLimiter(config.authMaxFailures, config.authFailureWindowSeconds * 1000, clock, EMAIL_PASSWORD_MESSAGES.tooManyFailures),
    settings: { hostKind: config.hostKind, publicUrl: config.publicUrl, modulesDir: config.modulesDir },
    serviceDefinitions:
      config.hostKind === 'simulated'
        ? new SimulatedServiceCatalogue()
        : new FileServiceDefinitions(config.modulesDir, join(config.nixosConfigDir, 'flake.nix'), logger),
    serviceMonitor: new ServiceMonitor({ host: machine.host, clock, background, logger }),
    jobFeed: new JobListFeed({ jobs, clock, pubsub, logger }),
    jobLogFeed: new SharedJobLogFeed({ pubsub, logger }),
    instanceId,
    logs: machine.logs,
    logFeed: new LogFollowers({ logs: machine.logs, logger }),
    metrics: openMetrics(config, machine.host, clock),
    restic: new ProviderRestic(new ExecRestic(resticRunner, backupFolders.secrets, logger), new MemoryRestic(() => clock.now())),
    backupState: new DrizzleBackupStateRepository(database.db),
    backupFiles: new NodeBackupFiles(backupFolders.restores),
    schedulerLeadership,
    referenceImports: new DrizzleReferenceImportLedger(database.db),
  };
  await wireServices(deps, options.maintenance);
  // PGlite is exclusive to this process: every other process that owned jobs is gone.
  const aliveWindowMs = database.kind === 'pglite' ? 0 : ALIVE_WINDOW_MS;
  const timer = options.maintenance ? await startMaintenance(deps, pubsub, aliveWindowMs) : undefined;
  const autobackups = options.maintenance ? startAutobackupScheduler(deps) : undefined;
  if (options.maintenance) void relayJobCancellations(deps).catch((err: unknown) => logger.error('job cancellation relay failed', { error: String(err) }));
  return {
    deps,
    database,
    controlSocket: lock,
    async close() {
      if (timer) clearInterval(timer);
      await autobackups?.stop(); // no new automatic backup; one under way drains or is cancelled below
      await deps.background.drain(SHUTDOWN_GRACE_MS);
      deps.background.cancelAll(shutdownCancellation());
      await deps.background.drain(ABORT_GRACE_MS);
      await resticRunner.killAll();
      await machine.runner?.killAll();
      await passwordHasher.close(); // hashing threads end with the runtime, not with the process
      if (options.maintenance) await deps.instances.remove(deps.instanceId);
      await stopForgettingRevoked();
      await (pubsub as PubSub & { close(): Promise<void> }).close();
      await schedulerLeadership.release();
      await database.close();
      await lock?.release();
    },
  };
}

interface Machine {
  host: Host;
  /** The machine's systemd journal. */
  logs: LogSource;
  /** The NixOS host's command runner: its running commands are killed at shutdown. */
  runner?: CommandRunner;
  userData: JsonFileStore<UserData>;
  secrets: JsonFileStore<Secrets>;
}

/** The real NixOS host and its files, or the simulation with its files under DATA_DIR (seeded on first start). */
async function openHost(config: Config, clock: SystemClock, logger: Logger): Promise<Machine> {
  const simulated = config.hostKind === 'simulated';
  const onLockLost = (err: Error) => logger.warn('lost the lock on a configuration file', { error: err.message });
  // On NixOS the userdata file is the machine's configuration: a missing one is an error, never an empty start.
  const userData = new JsonFileStore<UserData>(config.userdataPath, { initial: simulated ? sampleUserData : undefined, mode: 0o600, onLockLost });
  const secrets = new JsonFileStore<Secrets>(config.secretsPath, { initial: simulated ? sampleSecrets : () => ({}), mode: 0o600, onLockLost });
  if (!simulated) {
    const runner = new CommandRunner();
    return { host: new NixosHost(runner, { configDir: config.nixosConfigDir }), logs: new JournalctlLogSource(runner, logger), runner, userData, secrets };
  }
  // An update that changes nothing writes the sample files when they do not exist yet.
  await userData.update(() => undefined);
  await secrets.update(() => undefined);
  const journal = openSimulatedJournal(join(config.dataDir, 'journal'), () => clock.now(), Object.keys(sampleHostState().units), logger);
  const host = new SimulatedHost(join(config.dataDir, 'simulated-host.json'), clock, logger, journal, join(config.dataDir, 'host-files'));
  await host.prepareFiles();
  return { host, logs: journal, userData, secrets };
}

/**
 * Where restic's password files are written (a 0700 folder; /run/selfprivacy-api as the reference had it) and
 * where restores are unpacked before they replace a service's files.
 */
function backupWorkFolders(config: Config): { secrets: string; restores: string } {
  if (config.hostKind === 'nixos') return { secrets: '/run/selfprivacy-api', restores: '/var/lib/selfprivacy-api-restore' };
  return { secrets: join(config.dataDir, 'restic-secrets'), restores: join(config.dataDir, 'restores') };
}

// The reference's Prometheus listens on localhost:9001; the simulation draws its own series unless told otherwise.
const DEFAULT_PROMETHEUS_URL = 'http://localhost:9001';

function openMetrics(config: Config, host: Host, clock: SystemClock): MetricsSource {
  if (config.prometheusUrl || config.hostKind === 'nixos') return new PrometheusMetricsSource(config.prometheusUrl ?? DEFAULT_PROMETHEUS_URL);
  return new SimulatedMetricsSource(clock, () => host.blockDevices());
}

/**
 * Lets simulated rebuilds follow the enabled services; a server starts measuring service folders and listing
 * block devices at once, so no request waits for du or lsblk.
 */
async function wireServices(deps: Deps, server: boolean): Promise<void> {
  if (deps.host instanceof SimulatedHost) deps.host.onRebuild(() => plannedServiceUnits(deps));
  if (!server) return;
  void deps.serviceMonitor.measureFolders(allFolders(await loadServiceDefinitions(deps)));
  deps.serviceMonitor.blockDevices().catch(() => undefined); // a failure is logged; a request lists them again
}

/** Announces this process, fails jobs that died with another (or an earlier) process, and keeps doing so. */
async function startMaintenance(deps: Deps, pubsub: PubSub, aliveWindowMs: number): Promise<NodeJS.Timeout> {
  const tick = async () => {
    const now = deps.clock.now();
    await deps.instances.heartbeat(deps.instanceId, now);
    const failed = await failInterruptedJobs(deps, new Date(now.getTime() - aliveWindowMs));
    if (failed.length > 0) deps.logger.warn('settled interrupted jobs (rebuilds finished, others failed)', { jobs: failed.map((j) => j.uid) });
    await deps.jobs.purgeExpired(now);
    if (pubsub instanceof PostgresPubSub) await pubsub.purgeSpilled(now);
  };
  await tick();
  const timer = setInterval(() => {
    tick().catch((err: unknown) => deps.logger.error('maintenance failed', { error: String(err) }));
  }, HEARTBEAT_MS);
  timer.unref();
  return timer;
}
