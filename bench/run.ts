import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningApi, initialToken, runCli, startApi, timeToHealthy } from './api.js';
import { ROOT, Worker, installExitHandlers, killEverything, onExitKill } from './children.js';
import type { LoadRequest, LoadResult } from './load-worker.js';
import { commitInfo, loadAverage, machineInfo } from './machine.js';
import { treeCpuSeconds, treeRssMb } from './proc.js';
import { type Results, emptyResults, ratio, readmeBlock, renderTable, buildRows, replaceBetweenMarkers } from './report.js';
import { ratePerSecond, spread } from './stats.js';
import { postgresDatabase } from './postgres.js';
import { ALL_SERVICES } from './documents.js';

/**
 * `npm run bench`: the figures of the performance issue, one at a time, against the API started as
 * `npm start` starts it; prints the table, writes bench/results.json, and with --update-readme the README.
 * `--readme-only` writes the README from the last bench/results.json without measuring.
 * `--only fanout` measures the fan-out figure alone (5) and prints it; results.json and the README are left alone.
 */

const RESULTS_FILE = join(ROOT, 'bench', 'results.json');
const README = join(ROOT, 'README.md');
const CONNECTIONS = 50;
// The services screen as the issue measured it: a few app users at once (its p99 target is at 10 connections).
const SERVICES_SCREEN_CONNECTIONS = 10;
const WARMUP_S = 1;
const LOAD_S = 6;
const IDLE_MS = 5_000;
const IDLE_CPU_MS = 60_000;
const LOG_LINES = 60_000;
const LOG_TIMEOUT_MS = 25_000;
const FANOUT_SIZES = ['1000', '5000', '10000'] as const;
// the whole run within 5 minutes: a fan-out size is skipped when what it would take (about 3 s per 1,000
// sockets, opening included) and the PostgreSQL starts left after it would not fit
const BUDGET_MS = 290_000;
const POSTGRES_RESERVE_MS = 30_000;
const fanoutEstimateMs = (size: number) => 5_000 + size * 3;

const began = performance.now();
const say = (text: string) => process.stderr.write(`bench [${Math.round((performance.now() - began) / 1000)} s] ${text}\n`);

function writeReadme(results: Results): void {
  writeFileSync(README, replaceBetweenMarkers(readFileSync(README, 'utf8'), readmeBlock(results)));
  say('README updated between the bench markers');
}

async function gqlOnce(url: string, token: string, query: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', bytes };
}

/** A warm-up run, then `between` (if any), then the measured run. */
async function load(
  worker: Worker,
  request: Omit<LoadRequest, 'connections' | 'seconds'>,
  between?: () => Promise<void>,
  connections = CONNECTIONS,
): Promise<LoadResult> {
  const base = { ...request, connections };
  await worker.call({ type: 'run', request: { ...base, seconds: WARMUP_S } });
  await between?.();
  return worker.call<LoadResult>({ type: 'run', request: { ...base, seconds: LOAD_S } });
}

function checkLoad(results: Results, what: string, r: LoadResult): void {
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
    results.notes.push(`${what}: ${r.non2xx} answers other than 2xx, ${r.errors} errors, ${r.timeouts} timeouts out of ${r.requests} requests.`);
  }
}

async function hostProcesses(dataDir: string, results: Results): Promise<number | null> {
  const out = await runCli(dataDir, ['host-stats']);
  if (out.code === 0) {
    try {
      const n = (JSON.parse(out.stdout) as { hostProcesses?: unknown }).hostProcesses;
      if (typeof n === 'number') return n;
    } catch {
      // reported below
    }
  }
  const why = (out.stderr.trim().split('\n')[0] || out.stdout.trim().split('\n')[0] || '').slice(0, 160);
  if (!results.notes.some((n) => n.startsWith('(3) host processes'))) {
    results.notes.push(`(3) host processes per request not measured: \`cli -- host-stats\` exited ${out.code}${why ? ` (${why})` : ''}.`);
  }
  return null;
}

async function httpFigures(api: RunningApi, token: string, results: Results): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  const json = { 'content-type': 'application/json', ...auth };
  const trivial = JSON.stringify({ query: '{ api { version } }' });
  const answer = await gqlOnce(api.url, token, '{ api { version } }');
  if (answer.status !== 200 || answer.bytes.includes('"errors"')) throw new Error(`{ api { version } } answered ${answer.status}: ${answer.bytes.toString().slice(0, 200)}`);
  const services = await gqlOnce(api.url, token, ALL_SERVICES);
  if (services.status !== 200 || services.bytes.includes('"errors"')) results.notes.push(`(3) AllServices answered ${services.status} with errors: ${services.bytes.toString().slice(0, 200)}`);

  const worker = new Worker('./load-worker.ts');
  const ceiling = new Worker('./ceiling-server.ts');
  try {
    const { port } = await ceiling.call<{ port: number }>({ type: 'listen', status: answer.status, contentType: answer.contentType, bodyBase64: answer.bytes.toString('base64') });
    say('1 ceiling');
    const c = await load(worker, { url: `http://127.0.0.1:${port}/graphql`, method: 'POST', headers: json, body: trivial });
    ceiling.stop();
    results.ceiling.rps = c.rps;

    say('2 GraphQL { api { version } }');
    const g = await load(worker, { url: `${api.url}/graphql`, method: 'POST', headers: json, body: trivial });
    checkLoad(results, '(2) GraphQL', g);
    results.graphql_trivial = { rps: g.rps, p50_ms: g.p50_ms, p99_ms: g.p99_ms, ratio_to_ceiling: ratio(g.rps, c.rps) };

    say('3 GraphQL AllServices');
    let before: number | null = null;
    const s = await load(worker, { url: `${api.url}/graphql`, method: 'POST', headers: json, body: JSON.stringify({ query: ALL_SERVICES, operationName: 'AllServices' }) },
      async () => void (before = await hostProcesses(api.dataDir, results)),
      SERVICES_SCREEN_CONNECTIONS,
    );
    const after = before === null ? null : await hostProcesses(api.dataDir, results);
    checkLoad(results, '(3) AllServices', s);
    results.graphql_services_screen = {
      connections: SERVICES_SCREEN_CONNECTIONS,
      rps: s.rps,
      p99_ms: s.p99_ms,
      host_processes_per_request: before === null || after === null || s.requests === 0 ? null : Math.round(((after - before) / s.requests) * 1000) / 1000,
    };

    say('4 REST GET /api/version');
    const v = await load(worker, { url: `${api.url}/api/version`, method: 'GET', headers: auth });
    checkLoad(results, '(4) /api/version', v);
    results.rest_api_version = { rps: v.rps, ratio_to_ceiling: ratio(v.rps, c.rps) };
    say('4 REST GET /services/status');
    const st = await load(worker, { url: `${api.url}/services/status`, method: 'GET', headers: auth });
    checkLoad(results, '(4) /services/status', st);
    results.rest_services_status = { rps: st.rps, ratio_to_ceiling: ratio(st.rps, c.rps) };
  } finally {
    worker.stop();
    ceiling.stop();
  }
}

interface Tally {
  lines: number;
  received: number;
  distinct: number;
  firstMs: number | null;
  lastMs: number | null;
  timedOut: boolean;
  problems: string[];
}

function logFigure(results: Results, what: string, t: Tally) {
  if (t.timedOut) results.notes.push(`(6) ${what}: ${t.distinct} of ${t.lines} lines arrived within ${LOG_TIMEOUT_MS / 1000} s; lost not counted.`);
  if (t.problems.length > 0) results.notes.push(`(6) ${what}: ${t.problems.join('; ').slice(0, 300)}`);
  return { entries_per_s: ratePerSecond(t.received, t.firstMs, t.lastMs), lost: t.timedOut ? null : t.lines - t.distinct, lines: t.lines };
}

async function logStreaming(api: RunningApi, token: string, results: Results): Promise<void> {
  const wsUrl = `${api.url.replace('http', 'ws')}/graphql`;
  say(`6 logEntries over WebSocket, ${LOG_LINES} journal lines`);
  const ws = new Worker('./log-ws-client.ts');
  try {
    await ws.call({ type: 'subscribe', url: wsUrl, token, unit: 'log-simulation.service', lines: LOG_LINES });
    await sleep(500);
    const cli = await runCli(api.dataDir, ['simulate', 'journal', '--lines', String(LOG_LINES)]);
    if (cli.code !== 0) {
      results.notes.push(`(6) \`cli -- simulate journal\` exited ${cli.code}: ${(cli.stderr || cli.stdout).trim().split('\n')[0]?.slice(0, 160)}`);
    } else {
      const t = await ws.call<Tally>({ type: 'collect', idleMs: 3_000, timeoutMs: LOG_TIMEOUT_MS }, LOG_TIMEOUT_MS + 10_000);
      results.log_streaming.websocket = logFigure(results, 'logEntries', t);
    }
  } finally {
    ws.stop();
  }

  say(`6 task logstream over SSE, ${LOG_LINES} job log lines`);
  const sse = new Worker('./sse-client.ts');
  try {
    const cli = await runCli(api.dataDir, ['simulate', 'job-log', '--lines', String(LOG_LINES)]);
    const uid = cli.code === 0 ? (JSON.parse(cli.stdout) as { uid?: string }).uid : undefined;
    if (!uid) {
      results.notes.push(`(6) \`cli -- simulate job-log\` exited ${cli.code}: ${(cli.stderr || cli.stdout).trim().split('\n')[0]?.slice(0, 160)}`);
    } else {
      const t = await sse.call<Tally>({ type: 'follow', url: api.url, token, uid, lines: LOG_LINES, idleMs: 3_000, timeoutMs: LOG_TIMEOUT_MS }, LOG_TIMEOUT_MS + 10_000);
      results.log_streaming.sse = logFigure(results, 'task logstream', t);
    }
  } finally {
    sse.stop();
  }
}

async function fanout(api: RunningApi, token: string, results: Results): Promise<void> {
  const clients = new Worker('./ws-clients.ts');
  const wsUrl = `${api.url.replace('http', 'ws')}/graphql`;
  try {
    for (const size of FANOUT_SIZES) {
      const elapsed = performance.now() - began;
      if (elapsed + fanoutEstimateMs(Number(size)) + POSTGRES_RESERVE_MS > BUDGET_MS) {
        results.notes.push(`(5) ${size} subscribers not measured: the run had already taken ${Math.round(elapsed / 1000)} s of its 5 minutes.`);
        break;
      }
      say(`5 fan-out: opening sockets up to ${size}`);
      const opened = await clients.call<{ open: number; retried: number; ms: number }>({ type: 'open', url: wsUrl, token, total: Number(size) }, 180_000);
      say(`5 fan-out: ${opened.open} subscribed in ${opened.ms} ms (${opened.retried} upgrades retried); one update`);
      // a first update proves every subscription is in place; the second is measured
      const warm = await clients.call<{ uid?: string; missed: number }>({ type: 'round', httpUrl: api.url, token, timeoutMs: 60_000 }, 90_000);
      const round = await clients.call<{ uid?: string; delays: number[]; missed: number; closed: number; mutationMs: number }>(
        { type: 'round', httpUrl: api.url, token, timeoutMs: 60_000 }, 90_000);
      results.fanout[size] = { ...spread(round.delays), rss_mb: treeRssMb(api.root), missed_clients: round.missed, trigger_answered_ms: round.mutationMs, open_ms: opened.ms };
      if (warm.missed > 0 || round.missed > 0 || round.closed > 0) {
        results.notes.push(`(5) ${size}: ${warm.missed} clients missed the first update, ${round.missed} the measured one within 60 s; ${round.closed} sockets closed by the server.`);
      }
      await clients.call({ type: 'stopJobs', httpUrl: api.url, token, uids: [warm.uid, round.uid].filter(Boolean), quietMs: 1_000, timeoutMs: 30_000 }, 60_000);
    }
    await clients.call({ type: 'close' });
  } finally {
    clients.stop();
  }
}

/** Spawn to healthy, then the server tree's RSS after IDLE_MS. */
async function startAndIdle(dataDir: string, logFile: string, env: Record<string, string> = {}) {
  const api = await startApi(dataDir, logFile, env);
  const healthyMs = await timeToHealthy(api);
  await sleep(IDLE_MS);
  return { api, healthyMs, rssMb: treeRssMb(api.root) };
}

async function postgresFootprint(work: string, results: Results): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) {
    results.notes.push('(7) PostgreSQL not measured: neither BENCH_DATABASE_URL nor TEST_DATABASE_URL is set.');
    return;
  }
  let db: Awaited<ReturnType<typeof postgresDatabase>>;
  try {
    db = await postgresDatabase(url);
  } catch (err) {
    results.notes.push(`(7) PostgreSQL not measured: no database could be created there (${err instanceof Error ? err.message : String(err)}).`);
    return;
  }
  try {
    const dataDir = join(work, 'pg-data');
    mkdirSync(dataDir, { mode: 0o700 });
    say('7 PostgreSQL: first start (migrations)');
    const first = await startApi(dataDir, join(work, 'api-pg-first.log'), { DATABASE_URL: db.url });
    const firstMs = await timeToHealthy(first);
    await first.stop();
    noteBuild(results, 'PostgreSQL first start', join(work, 'api-pg-first.log'));
    say('7 PostgreSQL: later start, idle');
    const later = await startAndIdle(dataDir, join(work, 'api-pg.log'), { DATABASE_URL: db.url });
    noteBuild(results, 'PostgreSQL later start', join(work, 'api-pg.log'));
    results.footprint.postgres = { idle_rss_mb: later.rssMb, time_to_healthy_ms: later.healthyMs, first_start_ms: firstMs };
    await later.api.stop();
  } finally {
    await db.drop();
  }
}

/** Whether the server's output says `npm start` built something before starting (the build counts in that start's time). */
function builtFirst(logFile: string): boolean {
  try {
    return /\bbuild/i.test(readFileSync(logFile, 'utf8').split('\n').filter((l) => !l.startsWith('{')).join('\n'));
  } catch {
    return false;
  }
}

function noteBuild(results: Results, start: string, logFile: string): void {
  if (builtFirst(logFile)) results.notes.push(`(7) ${start}: \`npm start\` built something first (the sources changed meanwhile); its time includes that.`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--readme-only')) {
    writeReadme(JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results);
    return 0;
  }
  installExitHandlers();
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== undefined) return onlyFigure(only, args.includes('--keep'));
  const results = emptyResults();
  results.machine = machineInfo();
  results.commit = commitInfo();
  results.date = new Date().toISOString();
  const work = mkdtempSync(join(tmpdir(), 'sp-bench-'));
  // --keep leaves the data folders and the server's output for a look afterwards
  if (!args.includes('--keep')) onExitKill(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  let code = 0;
  let api: RunningApi | undefined;
  try {
    // `npm start` may do one-off work after an install or a change of the sources (a build, a transform
    // cache): done here in a start of its own, so that the starts measured below are the server's
    say('7 first start after an install or a change (throwaway DATA_DIR)');
    const prepDir = join(work, 'prep');
    mkdirSync(prepDir, { mode: 0o700 });
    const prep = await startApi(prepDir, join(work, 'api-prep.log'));
    results.footprint.first_start_after_change_ms = await timeToHealthy(prep, 240_000);
    await prep.stop();

    say('7 PGlite: first start on a fresh DATA_DIR');
    const first = await startAndIdle(dataDir, join(work, 'api-first.log'));
    results.footprint.pglite.first_start_ms = first.healthyMs;
    noteBuild(results, 'PGlite first start', join(work, 'api-first.log'));
    results.footprint.pglite.first_start_idle_rss_mb = first.rssMb;
    await first.api.stop();

    say('7 PGlite: later start, idle, then CPU over 60 s idle');
    const later = await startAndIdle(dataDir, join(work, 'api.log'));
    api = later.api;
    results.footprint.pglite.time_to_healthy_ms = later.healthyMs;
    noteBuild(results, 'PGlite later start', join(work, 'api.log'));
    results.footprint.pglite.idle_rss_mb = later.rssMb;
    const cpu0 = treeCpuSeconds(api.root);
    const t0 = performance.now();
    await sleep(IDLE_CPU_MS);
    results.footprint.idle_cpu_percent = Math.round(((treeCpuSeconds(api.root) - cpu0) / ((performance.now() - t0) / 1000)) * 10_000) / 100;

    const token = initialToken(dataDir);
    await httpFigures(api, token, results);
    await logStreaming(api, token, results);
    await fanout(api, token, results);
    say('stopping the API');
    await api.stop();
    api = undefined;
    await postgresFootprint(work, results);
  } catch (err) {
    code = 1;
    results.notes.push(`The run stopped early: ${err instanceof Error ? err.message : String(err)}`);
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await api?.stop().catch(() => undefined);
    killEverything();
  }
  results.machine.load_average_at_end = loadAverage();
  results.notes = results.notes.map((n) => n.replace(/\s*\n\s*/g, ' '));
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  if (args.includes('--keep')) say(`kept ${work}`);
  process.stdout.write(`${renderTable(buildRows(results))}\n\n${results.notes.map((n) => `- ${n}`).join('\n')}\n`);
  say(`wrote ${RESULTS_FILE} in ${Math.round((performance.now() - began) / 1000)} s`);
  if (args.includes('--update-readme')) writeReadme(results);
  return code;
}

/** One figure alone (`--only fanout`), against a server started on a fresh DATA_DIR; printed, not written. */
async function onlyFigure(figure: string, keep: boolean): Promise<number> {
  if (figure !== 'fanout') {
    say(`--only knows one figure: fanout (not ${figure})`);
    return 2;
  }
  const results = emptyResults();
  const work = mkdtempSync(join(tmpdir(), 'sp-bench-'));
  if (!keep) onExitKill(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  let code = 0;
  let api: RunningApi | undefined;
  try {
    api = await startApi(dataDir, join(work, 'api.log'));
    await timeToHealthy(api, 240_000);
    await fanout(api, initialToken(dataDir), results);
  } catch (err) {
    code = 1;
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await api?.stop().catch(() => undefined);
    killEverything();
  }
  if (keep) say(`kept ${work}`);
  process.stdout.write(`${JSON.stringify({ fanout: results.fanout, notes: results.notes }, null, 2)}\n`);
  return code;
}

process.exitCode = await main();
