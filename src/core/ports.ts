import type { DeviceToken, NewDeviceKey, RecoveryKey } from './auth/auth-types.js';
import type { Job, JobChange } from './jobs/job-types.js';

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

export interface DatabaseHealth {
  ping(): Promise<void>;
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
  /** Identifies this process among those sharing the database. */
  instanceId: string;
}
