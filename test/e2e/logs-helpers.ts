import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFollowers } from '../../src/core/logs/log-followers.js';
import { sampleHostState } from '../../src/infra/host/simulated-host-state.js';
import { openSimulatedJournal } from '../../src/infra/host/simulated-journal-history.js';
import type { SimulatedJournal } from '../../src/infra/host/simulated-journal.js';
import { silentLogger } from '../fakes/fake-deps.js';
import { type TestServer, gql } from '../support/test-server.js';

/**
 * A data directory whose simulated journal already holds a boot's history plus `extra` entries from
 * nginx, postfix and a user session (every 25th with an empty message), as after weeks of uptime.
 */
export function dataDirWithJournal(extra: number): { dataDir: string; journal: SimulatedJournal } {
  const dataDir = mkdtempSync(join(tmpdir(), 'sp-api-logs-'));
  const journal = openSimulatedJournal(join(dataDir, 'journal'), () => new Date(), Object.keys(sampleHostState().units), silentLogger);
  const units = ['nginx.service', 'postfix.service', 'session-1.scope'];
  journal.appendAll(Array.from({ length: extra }, (_, i) => ({ unit: units[i % 3]!, message: i % 25 === 24 ? '' : `entry ${i}`, priority: 6 - (i % 3) })));
  return { dataDir, journal };
}

export const ENTRY_FIELDS = 'message timestamp priority systemdUnit systemdSlice cursor';

export interface PageArgs {
  limit?: number;
  upCursor?: string;
  downCursor?: string;
  filterByUnit?: string;
  filterBySlice?: string;
}

/** One logs.paginated request over HTTP. */
export async function logPage(server: TestServer, args: PageArgs) {
  return gql(
    server,
    `query Page($limit: Int!, $upCursor: String, $downCursor: String, $filterByUnit: String, $filterBySlice: String) {
      logs { paginated(limit: $limit, upCursor: $upCursor, downCursor: $downCursor, filterByUnit: $filterByUnit, filterBySlice: $filterBySlice) {
        pageMeta { upCursor downCursor } entries { ${ENTRY_FIELDS} } } } }`,
    { limit: 20, ...args },
    server.token,
  );
}

/** The server's shared log followers (to count them). */
export const logFollowers = (server: TestServer) => server.runtime.deps.logFeed as LogFollowers;
