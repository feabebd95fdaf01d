/**
 * The benchmark's results (the keys of bench/results.json), the table built from them with each
 * target met or missed, and the README section that shows it. Pure: no I/O here.
 */

type N = number | null;

export interface FanoutSize {
  p50_ms: N;
  p99_ms: N;
  max_ms: N;
  rss_mb: N;
  /** Clients that never got the update within the wait (extra key). */
  missed_clients?: number | null;
  /** When the triggering mutation's answer came back, from the same start (extra key). */
  trigger_answered_ms?: number | null;
  /** How long opening and subscribing the sockets added at this size took (extra key). */
  open_ms?: number | null;
}

export interface LogStream {
  entries_per_s: N;
  lost: N;
  /** Lines written (extra key). */
  lines?: number | null;
}

export interface Results {
  ceiling: { rps: N };
  graphql_trivial: { rps: N; p50_ms: N; p99_ms: N; ratio_to_ceiling: N };
  graphql_services_screen: { connections?: number; rps: N; p99_ms: N; host_processes_per_request: N };
  rest_api_version: { rps: N; ratio_to_ceiling: N };
  rest_services_status: { rps: N; ratio_to_ceiling: N };
  fanout: { '1000': FanoutSize; '5000': FanoutSize; '10000': FanoutSize };
  log_streaming: { websocket: LogStream; sse: LogStream };
  footprint: {
    pglite: { idle_rss_mb: N; time_to_healthy_ms: N; first_start_ms: N; first_start_idle_rss_mb?: N };
    postgres: { idle_rss_mb: N; time_to_healthy_ms: N; first_start_ms?: N };
    idle_cpu_percent: N;
    /** The first `npm start` after an install or a change of the sources, one-off work (a build) included (extra key). */
    first_start_after_change_ms?: N;
  };
  /** What could not be measured, and why; anything odd seen while measuring. */
  notes: string[];
  machine?: Record<string, unknown>;
  commit?: { head: string | null; dirty: boolean | null };
  date?: string;
}

export function emptyResults(): Results {
  const size = (): FanoutSize => ({ p50_ms: null, p99_ms: null, max_ms: null, rss_mb: null });
  return {
    ceiling: { rps: null },
    graphql_trivial: { rps: null, p50_ms: null, p99_ms: null, ratio_to_ceiling: null },
    graphql_services_screen: { rps: null, p99_ms: null, host_processes_per_request: null },
    rest_api_version: { rps: null, ratio_to_ceiling: null },
    rest_services_status: { rps: null, ratio_to_ceiling: null },
    fanout: { '1000': size(), '5000': size(), '10000': size() },
    log_streaming: { websocket: { entries_per_s: null, lost: null }, sse: { entries_per_s: null, lost: null } },
    footprint: {
      pglite: { idle_rss_mb: null, time_to_healthy_ms: null, first_start_ms: null },
      postgres: { idle_rss_mb: null, time_to_healthy_ms: null },
      idle_cpu_percent: null,
    },
    notes: [],
  };
}

/** rps / ceiling rps, to 3 decimals; null when either is missing. */
export function ratio(rps: N, ceilingRps: N): N {
  if (rps === null || ceilingRps === null || ceilingRps <= 0) return null;
  return Math.round((rps / ceilingRps) * 1000) / 1000;
}

export type Verdict = 'met' | 'missed' | 'not measured' | '';

export interface Row {
  figure: string;
  value: string;
  target: string;
  verdict: Verdict;
  ratio: string;
}

/** A target on one or more numbers: met when every check holds; not measured when a number is missing. */
function judge(checks: Array<[N, (v: number) => boolean]>): Verdict {
  if (checks.some(([v]) => v === null)) return 'not measured';
  return checks.every(([v, ok]) => ok(v as number)) ? 'met' : 'missed';
}

const int = (v: N) => (v === null ? '—' : Math.round(v).toLocaleString('en-US'));
const ms = (v: N) => (v === null ? '—' : `${v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')} ms`);
const mb = (v: N) => (v === null ? '—' : `${Math.round(v)} MB`);
// truncated, never rounded up: 49.96% shows as 49.9%, not as a 50.0% that missed its target
const pct = (v: N) => (v === null ? '—' : `${(Math.floor(v * 1000 + 1e-9) / 10).toFixed(1)}%`);

/** The table's rows, in the issue's order (1 to 7). */
export function buildRows(r: Results): Row[] {
  const rows: Row[] = [];
  const add = (figure: string, value: string, target = '', verdict: Verdict = '', ratioText = '') =>
    rows.push({ figure, value, target, verdict, ratio: ratioText });

  add('1 Ceiling: bare `node:http`, same bytes as (2)', `${int(r.ceiling.rps)} req/s`, '', r.ceiling.rps === null ? 'not measured' : '', r.ceiling.rps === null ? '' : '100%');

  // targets on a ratio are judged on the exact quotient, not on the rounded ratio_to_ceiling
  const exact = (rps: N, rounded: N): N => (rps !== null && r.ceiling.rps ? rps / r.ceiling.rps : rounded);
  const g = r.graphql_trivial;
  add('2 GraphQL `{ api { version } }`, bearer token', `${int(g.rps)} req/s`, '≥ 35% of (1)', judge([[exact(g.rps, g.ratio_to_ceiling), (v) => v >= 0.35]]), pct(exact(g.rps, g.ratio_to_ceiling)));
  add('2 … latency p50', ms(g.p50_ms));
  add('2 … latency p99', ms(g.p99_ms), '< 10 ms', judge([[g.p99_ms, (v) => v < 10]]));

  const s = r.graphql_services_screen;
  add(`3 GraphQL \`AllServices\` (the app's services screen)${s.connections ? `, ${s.connections} connections` : ''}`, `${int(s.rps)} req/s`);
  add('3 … latency p99', ms(s.p99_ms), '< 25 ms', judge([[s.p99_ms, (v) => v < 25]]));
  add('3 … host processes per request', s.host_processes_per_request === null ? '—' : String(Math.round(s.host_processes_per_request * 1000) / 1000), '≤ 1', judge([[s.host_processes_per_request, (v) => v <= 1]]));

  const v = r.rest_api_version;
  add('4 REST `GET /api/version`', `${int(v.rps)} req/s`, '≥ 50% of (1)', judge([[exact(v.rps, v.ratio_to_ceiling), (x) => x >= 0.5]]), pct(exact(v.rps, v.ratio_to_ceiling)));
  const st = r.rest_services_status;
  add('4 REST `GET /services/status`', `${int(st.rps)} req/s`, '≥ 25% of (1)', judge([[exact(st.rps, st.ratio_to_ceiling), (x) => x >= 0.25]]), pct(exact(st.rps, st.ratio_to_ceiling)));

  for (const size of ['1000', '5000', '10000'] as const) {
    const f = r.fanout[size];
    const label = Number(size).toLocaleString('en-US');
    const value = f.p50_ms === null ? '—' : `p50 ${ms(f.p50_ms)}, p99 ${ms(f.p99_ms)}, max ${ms(f.max_ms)}`;
    const last = size === '10000';
    add(`5 Fan-out, ${label} \`jobUpdates\` subscribers: delivery of one update`, value, last ? 'p99 < 300 ms' : '', last ? judge([[f.p99_ms, (x) => x < 300]]) : '');
    add(`5 … server RSS with ${label} sockets`, mb(f.rss_mb), last ? '< 600 MB' : '', last ? judge([[f.rss_mb, (x) => x < 600]]) : '');
  }

  const stream = (name: string, l: LogStream) =>
    add(`6 Log streaming, ${name}`, l.entries_per_s === null ? '—' : `${int(l.entries_per_s)} entries/s, ${l.lost === null ? '?' : int(l.lost)} lost`, '≥ 20,000/s, 0 lost',
      judge([[l.entries_per_s, (x) => x >= 20_000], [l.lost, (x) => x === 0]]));
  stream('journal through `logEntries` (WebSocket)', r.log_streaming.websocket);
  stream('task log through `/tasks/<id>/logstream` (SSE)', r.log_streaming.sse);

  const p = r.footprint.pglite;
  const pg = r.footprint.postgres;
  if (r.footprint.first_start_after_change_ms !== undefined) {
    add('7 First `npm start` after an install or a change (one-off build included)', ms(r.footprint.first_start_after_change_ms));
  }
  add('7 PGlite, first start: spawn to healthy', ms(p.first_start_ms), '< 2 s', judge([[p.first_start_ms, (x) => x < 2000]]));
  if (p.first_start_idle_rss_mb !== undefined) add('7 PGlite, first start: RSS after 5 s idle', mb(p.first_start_idle_rss_mb));
  add('7 PGlite, later start: spawn to healthy', ms(p.time_to_healthy_ms), '< 2 s', judge([[p.time_to_healthy_ms, (x) => x < 2000]]));
  add('7 PGlite, later start: idle RSS', mb(p.idle_rss_mb), '< 200 MB', judge([[p.idle_rss_mb, (x) => x < 200]]));
  if (pg.first_start_ms !== undefined) add('7 PostgreSQL, first start (empty database): spawn to healthy', ms(pg.first_start_ms), '< 2 s', judge([[pg.first_start_ms, (x) => x < 2000]]));
  add('7 PostgreSQL, later start: spawn to healthy', ms(pg.time_to_healthy_ms), '< 2 s', judge([[pg.time_to_healthy_ms, (x) => x < 2000]]));
  add('7 PostgreSQL, later start: idle RSS', mb(pg.idle_rss_mb), '< 120 MB', judge([[pg.idle_rss_mb, (x) => x < 120]]));
  const cpu = r.footprint.idle_cpu_percent;
  add('7 CPU while idle for 60 s (100% = one core)', cpu === null ? '—' : `${cpu.toFixed(2)}%`, '< 1%', judge([[cpu, (x) => x < 1]]));
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The rows as a markdown table. */
export function renderTable(rows: readonly Row[]): string {
  const lines = ['| Figure | Value | Target | Met | Ratio to (1) |', '|---|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${[row.figure, row.value, row.target, row.verdict, row.ratio].map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** How many targets were met out of those measured. */
export function tally(rows: readonly Row[]): { met: number; missed: number; notMeasured: number } {
  return {
    met: rows.filter((r) => r.verdict === 'met').length,
    missed: rows.filter((r) => r.verdict === 'missed').length,
    notMeasured: rows.filter((r) => r.verdict === 'not measured' && r.target !== '').length,
  };
}

/** The README text between the markers: the table, when and where it was measured, and the notes. */
export function readmeBlock(r: Results): string {
  const rows = buildRows(r);
  const { met, missed, notMeasured } = tally(rows);
  const m = r.machine ?? {};
  const commit = r.commit?.head ? `${r.commit.head.slice(0, 12)}${r.commit.dirty ? ' (with uncommitted changes)' : ''}` : 'unknown commit';
  const parts = [
    `Measured ${r.date ?? ''} on ${String(m.cpu_model ?? 'an unknown CPU')}, ${String(m.cores ?? '?')} cores, ` +
      `${String(m.memory_mb ?? '?')} MB, Node.js ${String(m.node ?? '?')}, ${String(m.os ?? '?')}; ${commit}. ` +
      `${typeof m.load_average_at_start === 'number' ? `Load average (1 min) ${m.load_average_at_start} when the run began, ${String(m.load_average_at_end ?? '?')} at its end. ` : ''}` +
      `Targets met: ${met}, missed: ${missed}${notMeasured ? `, not measured: ${notMeasured}` : ''}.`,
    '',
    renderTable(rows),
  ];
  if (r.notes.length > 0) parts.push('', ...r.notes.map((n) => `- ${n}`));
  return parts.join('\n');
}

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';

/** `text` with what lies between the two markers replaced by `block`; throws when the markers are missing or out of order. */
export function replaceBetweenMarkers(text: string, block: string): string {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < 0) throw new Error(`the README has no ${START_MARKER} … ${END_MARKER} pair`);
  if (end < start) throw new Error(`${END_MARKER} comes before ${START_MARKER} in the README`);
  if (text.indexOf(START_MARKER, start + 1) >= 0 || text.indexOf(END_MARKER, end + 1) >= 0) throw new Error('the README has more than one pair of bench markers');
  return `${text.slice(0, start)}${START_MARKER}\n${block.trim()}\n${text.slice(end)}`;
}
