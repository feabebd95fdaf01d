import type { DeviceToken, NewDeviceKey, RecoveryKey } from './auth/auth-types.js';
import type { BlockDevice, Host, UnitState } from './host/host-types.js';
import type { JobLogAppended, JobLogLine, JobLogNews } from './jobs/job-log-types.js';
import type { Job, JobChange, JobCheckpoint } from './jobs/job-types.js';
import type { PrometheusData } from './monitoring/monitoring-types.js';
import type { Secrets, UserData } from './userdata/userdata-types.js';
import type { EmailPassword, EmailPasswordMetadata, GroupInfo, NewUserAccount, UserAccount } from './users/user-types.js';
import type { LogEvent } from './logs/log-event.js';
import type { LogFilter, LogSource } from './logs/log-types.js';
import type { BackupFiles, BackupStateRepository, SchedulerLeadership } from './backups/backup-ports.js';
import type { ResticPort } from './backups/backup-types.js';

export interface Clock {
  now(): Date;
  /**
   * Waits; the demo and simulated work use it so tests can run on a faster clock. An abort ends the
   * wait at once, rejecting with the signal's reason.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Topics and their JSON-safe payloads: they may travel between processes. */
export interface Topics {
  jobs: JobChange;
  /** Cancel a job: the process running it aborts its body. */
  jobCancellations: { uid: string; reason: string };
  /** Lines appended to a job's own log (in order, numbered without holes). */
  jobLog: JobLogAppended;
  /** A device token stopped authenticating (deleted or refreshed): sockets opened with it must close. */
  tokenRevoked: { tokenHash: string };
  /** Process `instanceId` has forgotten a revoked token (it no longer accepts it): the revoking call waits for these. */
  tokenForgotten: { tokenHash: string; instanceId: string };
}

export interface PubSub {
  publish<K extends keyof Topics>(topic: K, payload: Topics[K]): Promise<void>;
  /**
   * Delivers every payload published after the call, in publish order, until the iterator is
   * returned. Each subscriber's queue is bounded: one that stops reading loses the oldest payloads.
   */
  subscribe<K extends keyof Topics>(topic: K): AsyncIterableIterator<Topics[K]>;
  /**
   * Calls `listener` each time payloads published meanwhile may have been missed (the link to the other
   * processes broke and is back); returns a function that stops calling it. Absent where nothing can be missed.
   */
  onGap?(listener: () => void): () => void;
}

export interface TokenRepository {
  list(): Promise<DeviceToken[]>;
  count(): Promise<number>;
  findByHash(tokenHash: string): Promise<DeviceToken | undefined>;
  findByName(name: string): Promise<DeviceToken | undefined>;
  /** Inserts unless the name is taken; false when it is (names are unique). */
  insert(token: DeviceToken & { tokenHash: string }): Promise<boolean>;
  replaceHash(oldHash: string, newHash: string): Promise<boolean>;
  /** Deletes the named device's token; returns its digest, undefined when there was none. */
  deleteByName(name: string): Promise<string | undefined>;
}

export interface AuthKeyRepository {
  getRecoveryKey(): Promise<RecoveryKey | undefined>;
  saveRecoveryKey(key: RecoveryKey): Promise<void>;
  /** Atomically checks validity at `now` and spends one use; false when the key is absent, invalid or another. */
  spendRecoveryKey(keyHash: string, now: Date): Promise<boolean>;
  getNewDeviceKey(): Promise<NewDeviceKey | undefined>;
  saveNewDeviceKey(key: NewDeviceKey): Promise<void>;
  deleteNewDeviceKey(): Promise<void>;
  /** Atomically deletes the key when it matches and has not expired; false otherwise. */
  consumeNewDeviceKey(keyHash: string, now: Date): Promise<boolean>;
}

export interface JobRepository {
  /** Inserts the job; false (nothing written) when another unfinished job holds its resource. */
  insert(job: Job, ownerId: string): Promise<boolean>;
  /** The unfinished job holding `resource`, if any. */
  findHolder(resource: string): Promise<Job | undefined>;
  /**
   * Applies the patch to an unfinished job; undefined when the job was removed or has finished
   * meanwhile (it is neither recreated nor reopened).
   */
  update(uid: string, patch: Partial<Job>, expiresAt: Date | null): Promise<Job | undefined>;
  /** Records where an unfinished job's work stands (null clears it). */
  saveCheckpoint(uid: string, checkpoint: JobCheckpoint | null): Promise<void>;
  get(uid: string, now: Date): Promise<Job | undefined>;
  list(now: Date): Promise<Job[]>;
  remove(uid: string): Promise<boolean>;
  /**
   * Applies `failure` to unfinished jobs whose owning process is not alive since `aliveSince`;
   * only to jobs of `typeIds` when given. A failing (ERROR) job with a checkpoint gets the
   * checkpoint's `interrupted` text as its error instead of `failure.error`.
   */
  failOrphaned(aliveSince: Date, failure: Partial<Job>, expiresAt: Date, typeIds?: readonly string[]): Promise<Job[]>;
  purgeExpired(now: Date): Promise<void>;
  /** Stores lines of a job's log (numbered by the job's one writer); fails when the job is gone. */
  appendLog(uid: string, lines: readonly JobLogLine[]): Promise<void>;
  /** The job's log lines numbered above `afterSeq`, in order, at most `limit`. */
  readLog(uid: string, afterSeq: number, limit: number): Promise<JobLogLine[]>;
}

/** Live news of jobs' logs for this process's followers: one pub/sub reader shared by all of them. */
export interface JobLogFeed {
  /** News of job `uid` from now on (lines as stored, then its end) in a bounded queue, until returned. */
  watch(uid: string): AsyncIterableIterator<JobLogNews>;
}

/** The complete job list after every change to any job, shared by every `jobUpdates` subscriber of this process. */
export interface JobFeed {
  /** Lists after each change from now on (no initial list), until the iterator is returned. */
  watch(): AsyncIterableIterator<Job[]>;
}

/** Processes sharing one database announce themselves so survivors can tell whose jobs died. */
export interface InstanceRegistry {
  heartbeat(instanceId: string, now: Date): Promise<void>;
  remove(instanceId: string): Promise<void>;
  /** Ids of the processes heard from since `since`. */
  alive(since: Date): Promise<string[]>;
}

/** Counts failed attempts per client address (brute-force protection for public key endpoints). */
export interface AttemptLimiter {
  /** Takes one attempt for the client at once (concurrent callers each take their own); CoreError TOO_MANY_ATTEMPTS when none is left. */
  reserve(clientKey: string): Promise<void>;
  /** Gives back a reserved attempt that did not fail. */
  refund(clientKey: string): Promise<void>;
}

/** Work that outlives the request that started it (job bodies); drained, then aborted, on shutdown. */
export interface BackgroundWork {
  /** Runs `work` detached; its signal aborts on `cancel(id)` or `cancelAll()`. */
  run(label: string, work: (signal: AbortSignal) => Promise<void>, id?: string): void;
  /** Aborts the running work started with `id` in this process, with `reason`; false when none runs here. */
  cancel(id: string, reason: unknown): boolean;
  /** Aborts every running work (shutdown). */
  cancelAll(reason: unknown): void;
  /** Waits for running work, at most `timeoutMs`. */
  drain(timeoutMs?: number): Promise<void>;
}

/** A JSON document on disk shared with other programs (the userdata file, secrets.json). */
export interface JsonDocumentStore<T> {
  read(): Promise<T>;
  /**
   * The document for reading only (frozen), shared by every caller until the file changes: no read or parse
   * when it did not. Stores without it are read with `read()`.
   */
  readShared?(): Promise<Readonly<T>>;
  /**
   * Applies `change` to a fresh copy under an exclusive lock and writes it atomically; nothing is
   * written when `change` throws. Concurrent updates (in this process or another) never lose each other.
   */
  update<R>(change: (draft: T) => R | Promise<R>): Promise<R>;
}

export interface DatabaseHealth {
  ping(): Promise<void>;
}

export interface RuntimeSettings {
  hostKind: 'nixos' | 'simulated';
  /** Public base URL of this API when configured (links it hands out); else `https://api.<domain>`. */
  publicUrl?: string;
  /** Folder of templated service definitions (JSON, one file per service id). */
  modulesDir: string;
}

/** A templated service definition document (§9.3 JSON) and where it came from (for log lines). */
export interface ServiceDefinitionDocument {
  origin: string;
  document: unknown;
}

/** Where templated service definitions come from: /etc/sp-modules on NixOS, a built-in catalogue in the simulation. */
export interface ServiceDefinitionSource {
  /** Every readable definition document (unreadable ones are skipped with a log line). */
  load(): Promise<ServiceDefinitionDocument[]>;
  /** Ids of the service modules the system configuration includes; undefined when every defined service counts as installed. */
  installedIds(): Promise<ReadonlySet<string> | undefined>;
}

/** Host facts about services that are costly to read, remembered for a while: unit states and folder sizes. */
export interface ServiceFacts {
  /** States of `units` from one batched host query, shared by the callers of about a second. */
  unitStates(units: readonly string[]): Promise<Map<string, UnitState>>;
  /** Forgets unit states (after starting, stopping or restarting units). */
  forgetUnitStates(): void;
  /** Block devices from one shared `lsblk`: at most 10 s old, then refreshed in the background. */
  blockDevices(): Promise<BlockDevice[]>;
  /** Forgets the block devices (after mounting, resizing, or moving data between volumes). */
  forgetBlockDevices(): void;
  /** The last measured size of each path (0 before its first measurement); never waits for a measurement. */
  folderSizes(paths: readonly string[]): Map<string, number>;
  /** Fresh measured sizes of every path, or undefined when one of them has no fresh measurement. */
  measuredFolderSizes(paths: readonly string[]): Map<string, number> | undefined;
  /** Measures `paths` in the background; resolves when that measurement (or the one already running) ends. */
  measureFolders(paths: readonly string[]): Promise<void>;
}

/**
 * The identity store: persons, groups and memberships (Kanidm in production). Unknown users raise
 * USER_NOT_FOUND, unknown groups GROUP_NOT_FOUND; a failing call changes nothing.
 */
export interface UserStore {
  /** Every person except root. */
  list(): Promise<UserAccount[]>;
  get(username: string): Promise<UserAccount | undefined>;
  /** USER_ALREADY_EXISTS when the name is taken. */
  create(user: NewUserAccount): Promise<void>;
  delete(username: string): Promise<void>;
  setDisplayName(username: string, displayName: string): Promise<void>;
  /** Sets the login password (validated by the caller). */
  setPassword(username: string, password: string): Promise<void>;
  addToGroups(username: string, groups: readonly string[]): Promise<void>;
  removeFromGroups(username: string, groups: readonly string[]): Promise<void>;
  listGroups(): Promise<GroupInfo[]>;
  /** Creates the group if missing and makes `memberGroups` (existing groups) its members. */
  ensureGroup(name: string, options?: { description?: string; memberGroups?: readonly string[] }): Promise<void>;
  /** A single-use link that lets the person set a new password. */
  createPasswordResetLink(username: string): Promise<string>;
  /** The person a still-usable reset link belongs to. */
  checkPasswordResetLink(token: string): Promise<string | undefined>;
  /** Spends the link and sets the password; RESET_LINK_INVALID when unknown, expired or used. Returns the username. */
  resetPasswordWithLink(token: string, password: string): Promise<string>;
}

/** SHA-512 crypt (`$6$`, a fresh salt each time) of a password, computed off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
}

/** E-mail passwords: new ones argon2id over the NFKC form (as the reference), older SHA-512 crypt ones still verify. */
export interface EmailPasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a hash it cannot read. */
  verify(password: string, passwordHash: string): Promise<boolean>;
}

/** E-mail (mailbox) passwords of users; only hashes are stored. */
export interface EmailPasswordRepository {
  /** The user's entries that have not expired at `now`, oldest first. */
  list(username: string, now: Date): Promise<EmailPasswordMetadata[]>;
  add(entry: EmailPassword): Promise<void>;
  /** The user's entries that have not expired at `now`, with their hashes (for the mail server's check). */
  hashes(username: string, now: Date): Promise<Pick<EmailPassword, 'uuid' | 'passwordHash'>[]>;
  markUsed(username: string, uuid: string, at: Date): Promise<void>;
  delete(username: string, uuid: string): Promise<void>;
  deleteAll(username: string): Promise<void>;
}

/** Live journal entries: one shared follower per filter, each subscriber with its own bounded queue. */
export interface LogFeed {
  /** Matching entries from now on (those after `after` first, when given), until the iterator is returned. */
  subscribe(filter: LogFilter, after?: string): AsyncIterableIterator<LogEvent>;
}

/**
 * A Prometheus-style metrics store (Prometheus' HTTP API, or the simulation's generated series).
 * Both calls resolve to the answer's `data` or reject with a MetricsQueryFailure, never hang.
 */
export interface MetricsSource {
  /** `/api/v1/query_range` over epoch seconds [start, end] every `step` seconds. */
  rangeQuery(query: string, start: number, end: number, step: number): Promise<PrometheusData>;
  /** `/api/v1/query` at the current time. */
  instantQuery(query: string): Promise<PrometheusData>;
}

/** What was once imported from the reference API (by kind: `deviceToken` digests, `emailPassword` ids). */
export interface ReferenceImportLedger {
  has(kind: ReferenceImportKind, key: string): Promise<boolean>;
  /** Remembers the key (recording one already recorded changes nothing). */
  record(kind: ReferenceImportKind, key: string, at: Date): Promise<void>;
}
export type ReferenceImportKind = 'deviceToken' | 'emailPassword';

export interface Deps {
  clock: Clock;
  logger: Logger;
  pubsub: PubSub;
  tokens: TokenRepository;
  authKeys: AuthKeyRepository;
  jobs: JobRepository;
  instances: InstanceRegistry;
  attempts: AttemptLimiter;
  database: DatabaseHealth;
  background: BackgroundWork;
  /** The NixOS userdata file: the desired state of the host. */
  userData: JsonDocumentStore<UserData>;
  secrets: JsonDocumentStore<Secrets>;
  /** The machine itself: systemd, block devices, files. */
  host: Host;
  /** Persons, groups and memberships. */
  users: UserStore;
  emailPasswords: EmailPasswordRepository;
  /** The unix accounts' SHA-512 crypt hashes. */
  passwordHasher: PasswordHasher;
  emailPasswordHasher: EmailPasswordHasher;
  /** Failed e-mail password checks, per username. */
  emailPasswordAttempts: AttemptLimiter;
  /** Facts from the configuration that use cases need. */
  settings: RuntimeSettings;
  /** Templated service definitions. */
  serviceDefinitions: ServiceDefinitionSource;
  /** Short-lived memory of unit states and folder sizes (see ServiceMonitor). */
  serviceMonitor: ServiceFacts;
  /** The job list after each change, one query per change shared by every jobUpdates subscriber. */
  jobFeed: JobFeed;
  /** Live lines of jobs' logs for this process's followers, one pub/sub reader shared by all of them. */
  jobLogFeed: JobLogFeed;
  /** Identifies this process among those sharing the database. */
  instanceId: string;
  /** The systemd journal (journalctl on NixOS, the simulation's own journal). */
  logs: LogSource;
  /** Live journal entries for logEntries and log streams. */
  logFeed: LogFeed;
  /** CPU, memory, disk and network series for the monitoring charts. */
  metrics: MetricsSource;
  /** restic (the MEMORY provider keeps its repository in this process). */
  restic: ResticPort;
  /** Backup configuration, snapshot cache and last-backup times, shared by every process on the database. */
  backupState: BackupStateRepository;
  /** File operations on real folders for backups and restores. */
  backupFiles: BackupFiles;
  /** Whether this process runs the automatic-backup scheduler. */
  schedulerLeadership: SchedulerLeadership;
  /** What import-reference brought in once, so it is never brought back after being removed here. */
  referenceImports: ReferenceImportLedger;
}
