import type { BackupFiles, BackupStateRepository, SchedulerLeadership } from '../../src/core/backups/backup-ports.js';
import type { ResticPort } from '../../src/core/backups/backup-types.js';
import type { AttemptLimiter, Clock, EmailPasswordHasher, Logger, ReferenceImportLedger } from '../../src/core/ports.js';

/** A clock that only moves when told; sleep resolves at once after advancing it. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.advance(ms);
  }
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** The host-facing ports with harmless defaults, for tests that do not exercise them. */
export async function idleMachinePorts() {
  const { InMemoryDocumentStore } = await import('./in-memory-document-store.js');
  const { FakeHost } = await import('./fake-host.js');
  const { IdleUserStore, InMemoryEmailPasswordRepository } = await import('./idle-user-store.js');
  const { ServiceMonitor } = await import('../../src/core/services/service-monitor.js');
  const host = new FakeHost();
  const background = { run: () => undefined, cancel: () => false, cancelAll: () => undefined, drain: async () => undefined };
  return {
    userData: new InMemoryDocumentStore<Record<string, unknown>>({}),
    secrets: new InMemoryDocumentStore<Record<string, unknown>>({}),
    host,
    users: new IdleUserStore(),
    emailPasswords: new InMemoryEmailPasswordRepository(),
    passwordHasher: {
      hash: async (): Promise<string> => {
        throw new Error('passwordHasher used by a test that did not provide one');
      },
    },
    emailPasswordHasher: unusedPort<EmailPasswordHasher>('emailPasswordHasher'),
    emailPasswordAttempts: unusedPort<AttemptLimiter>('emailPasswordAttempts'),
    settings: { hostKind: 'simulated' as const, modulesDir: '/nonexistent' },
    serviceDefinitions: { load: async () => [], installedIds: async () => undefined },
    serviceMonitor: new ServiceMonitor({ host, clock: new FixedClock(new Date(0)), background, logger: silentLogger }),
    logs: {
      page: async (): Promise<never> => {
        throw new Error('logs used by a test that did not provide them');
      },
      follow: (): never => {
        throw new Error('logs used by a test that did not provide them');
      },
    },
    logFeed: {
      subscribe: (): never => {
        throw new Error('logFeed used by a test that did not provide one');
      },
    },
    restic: unusedPort<ResticPort>('restic'),
    backupState: unusedPort<BackupStateRepository>('backupState'),
    backupFiles: unusedPort<BackupFiles>('backupFiles'),
    schedulerLeadership: { holds: async () => true, release: async () => undefined } satisfies SchedulerLeadership,
    referenceImports: unusedPort<ReferenceImportLedger>('referenceImports'),
    metrics: {
      rangeQuery: async () => {
        throw new Error('metrics used by a test that did not provide them');
      },
      instantQuery: async () => {
        throw new Error('metrics used by a test that did not provide them');
      },
    },
  };
}

/** A port whose every method throws: for tests that must not reach it. */
function unusedPort<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => {
      throw new Error(`${name}.${String(method)} used by a test that did not provide it`);
    },
  });
}
