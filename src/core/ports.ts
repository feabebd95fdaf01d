import type { DeviceToken, NewDeviceKey, RecoveryKey } from './auth/auth-types.js';
import type { Host } from './host/host-types.js';
import type { Job, JobChange } from './jobs/job-types.js';
import type { Secrets, UserData } from './userdata/userdata-types.js';

export interface Clock {
  now(): Date;
  /** Waits; the demo and simulated work use it so tests can run on a faster clock. */
  sleep(ms: number): Promise<void>;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Topics and their JSON-safe payloads: they may travel between processes. */
export interface Topics {
  jobs: JobChange;
}

export interface PubSub {
  publish<K extends keyof Topics>(topic: K, payload: Topics[K]): Promise<void>;
  /** Delivers every payload published after the call, in publish order, until the iterator is returned. */
  subscribe<K extends keyof Topics>(topic: K): AsyncIterableIterator<Topics[K]>;
}

export interface TokenRepository {
  list(): Promise<DeviceToken[]>;
  count(): Promise<number>;
  findByHash(tokenHash: string): Promise<DeviceToken | undefined>;
  findByName(name: string): Promise<DeviceToken | undefined>;
  /** Inserts unless the name is taken; false when it is (names are unique). */
  insert(token: DeviceToken & { tokenHash: string }): Promise<boolean>;
  replaceHash(oldHash: string, newHash: string): Promise<boolean>;
  deleteByName(name: string): Promise<boolean>;
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
  insert(job: Job, ownerId: string): Promise<void>;
  /** Applies the patch; undefined when the job was removed meanwhile (it is not recreated). */
  update(uid: string, patch: Partial<Job>, expiresAt: Date | null): Promise<Job | undefined>;
  get(uid: string, now: Date): Promise<Job | undefined>;
  list(now: Date): Promise<Job[]>;
  remove(uid: string): Promise<boolean>;
  /** Marks unfinished jobs whose owning process is not alive since `aliveSince` as failed. */
  failOrphaned(aliveSince: Date, failure: Partial<Job>, expiresAt: Date): Promise<Job[]>;
  purgeExpired(now: Date): Promise<void>;
}

/** Processes sharing one database announce themselves so survivors can tell whose jobs died. */
export interface InstanceRegistry {
  heartbeat(instanceId: string, now: Date): Promise<void>;
  remove(instanceId: string): Promise<void>;
}

/** Counts failed attempts per client address (brute-force protection for public key endpoints). */
export interface AttemptLimiter {
  /** Throws CoreError TOO_MANY_ATTEMPTS when the client is blocked. */
  check(clientKey: string): Promise<void>;
  recordFailure(clientKey: string): Promise<void>;
}

/** Work that outlives the request that started it (job bodies); drained on shutdown. */
export interface BackgroundWork {
  run(label: string, work: () => Promise<void>): void;
  /** Waits for running work, at most `timeoutMs`. */
  drain(timeoutMs?: number): Promise<void>;
}

/** A JSON document on disk shared with other programs (the userdata file, secrets.json). */
export interface JsonDocumentStore<T> {
  read(): Promise<T>;
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
  /** Facts from the configuration that use cases need. */
  settings: RuntimeSettings;
  /** Identifies this process among those sharing the database. */
  instanceId: string;
}
