import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres, { type Sql } from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresSchedulerLeadership, SCHEDULER_LOCK_KEY } from '../../src/infra/db/postgres-scheduler-leadership.js';
import { silentLogger } from '../fakes/fake-deps.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Each API process has its own postgres.js client: two clients here are two processes.
describe.runIf(TEST_DATABASE_URL)('PostgresSchedulerLeadership', () => {
  let url: string;
  let drop: () => Promise<void>;
  const clients: Sql[] = [];

  /** A one-connection client, as PostgresSchedulerLeadership.connect makes. */
  const client = () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    clients.push(sql);
    return sql;
  };
  /** The backend pid holding the scheduler lock, if any (seen from a third session). */
  const holderPid = async (): Promise<number | undefined> => {
    const rows = await client()<{ pid: number }[]>`select pid from pg_locks where locktype = 'advisory' and objid = ${SCHEDULER_LOCK_KEY} and granted`;
    return rows[0]?.pid;
  };

  beforeEach(async () => {
    ({ url, drop } = await createTestDatabase());
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((sql) => sql.end({ timeout: 1 })));
    await drop();
  });

  it('lets exactly one of two processes hold the lock, whoever asks again and how often', async () => {
    const a = new PostgresSchedulerLeadership(client(), silentLogger);
    const b = new PostgresSchedulerLeadership(client(), silentLogger);

    const first = await Promise.all([a.holds(), b.holds(), a.holds(), b.holds()]);
    const again = await Promise.all([a.holds(), b.holds()]);

    expect(first.filter(Boolean)).toHaveLength(2);
    expect(first[0]).toBe(first[2]);
    expect(again).toEqual([first[0], first[1]]);
    expect(first[0]).not.toBe(first[1]);
  });

  it('hands the lock over when the holder\'s connection ends (a crash), and a release frees it with one unlock', async () => {
    const holderClient = client();
    const holder = new PostgresSchedulerLeadership(holderClient, silentLogger);
    const other = new PostgresSchedulerLeadership(client(), silentLogger);
    expect(await holder.holds()).toBe(true);
    expect(await holder.holds()).toBe(true);
    expect(await other.holds()).toBe(false);

    await holderClient.end({ timeout: 1 });

    expect(await other.holds()).toBe(true);
    const third = new PostgresSchedulerLeadership(client(), silentLogger);
    expect(await third.holds()).toBe(false);
    await other.release();
    expect(await other.holds()).toBe(false);
    expect(await third.holds()).toBe(true);
  });

  it('answers false once its session is killed, and takes the lock again on a new connection once it is free', async () => {
    const a = new PostgresSchedulerLeadership(client(), silentLogger);
    const b = new PostgresSchedulerLeadership(client(), silentLogger);
    expect(await a.holds()).toBe(true);
    const pid = await holderPid();

    await client()`select pg_terminate_backend(${pid!})`;

    expect(await b.holds()).toBe(true);
    expect(await a.holds()).toBe(false);
    await b.release();
    expect(await a.holds()).toBe(true);
    expect(await holderPid()).not.toBe(pid);
  });

  it('hands over when the holding process is killed with SIGKILL', { timeout: 60_000 }, async () => {
    const script = `
      import { PostgresSchedulerLeadership } from './src/infra/db/postgres-scheduler-leadership.ts';
      const leadership = await PostgresSchedulerLeadership.connect(process.env.URL, { info() {}, warn() {}, error() {} });
      console.log(await leadership.holds() ? 'held' : 'not held');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const said = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
    const other = new PostgresSchedulerLeadership(client(), silentLogger);
    const whileAlive = await other.holds();

    child.kill('SIGKILL');
    await exited;
    let after = false;
    for (let i = 0; i < 50 && !after; i++) {
      after = await other.holds();
      if (!after) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(said).toBe('held');
    expect(whileAlive).toBe(false);
    expect(after).toBe(true);
  });
});
