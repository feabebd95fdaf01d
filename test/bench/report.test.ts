import { describe, expect, it } from 'vitest';
import { LineTally } from '../../bench/line-tally.js';
import { END_MARKER, START_MARKER, buildRows, emptyResults, ratio, readmeBlock, renderTable, replaceBetweenMarkers } from '../../bench/report.js';
import { percentile, ratePerSecond, spread } from '../../bench/stats.js';

const row = (rows: ReturnType<typeof buildRows>, start: string) => {
  const found = rows.find((r) => r.figure.startsWith(start));
  if (!found) throw new Error(`no row ${start}`);
  return found;
};

describe('percentiles', () => {
  it('takes the nearest rank, whatever the order of the values', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([5], 99)).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 0)).toBe(1);
  });

  it('has no percentile of nothing, and refuses a percentage outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('gives p50, p99 and max rounded to 0.1 ms', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 0.04);
    expect(spread(values)).toEqual({ p50_ms: 499, p99_ms: 989, max_ms: 999 });
    expect(spread([])).toEqual({ p50_ms: null, p99_ms: null, max_ms: null });
  });

  it('counts a rate between the first and the last arrival only', () => {
    expect(ratePerSecond(20_000, 1000, 2000)).toBe(20_000);
    expect(ratePerSecond(1, 1000, 1000)).toBeNull();
    expect(ratePerSecond(10, null, null)).toBeNull();
  });
});

describe('line tally', () => {
  it('counts arrivals and distinct numbered lines, ignoring repeats and numbers out of range', () => {
    const tally = new LineTally(3);
    tally.add('{"message":"bench line 1"}', 10);
    tally.add('data: {"message":"bench line 2"}\n\ndata: {"message":"bench line 2"}', 20);
    tally.add('bench line 7', 30);
    expect(tally.summary()).toEqual({ lines: 3, received: 4, distinct: 2, firstMs: 10, lastMs: 30 });
    expect(tally.complete).toBe(false);
    tally.add('bench line 3', 40);
    expect(tally.complete).toBe(true);
  });
});

describe('the results table', () => {
  it('says a ratio target is met at the limit and missed just under it', () => {
    const r = emptyResults();
    r.ceiling.rps = 10_000;
    r.graphql_trivial = { rps: 3_500, p50_ms: 2, p99_ms: 10, ratio_to_ceiling: ratio(3_500, 10_000) };
    r.rest_api_version = { rps: 4_999, ratio_to_ceiling: ratio(4_999, 10_000) };
    r.rest_services_status = { rps: 2_500, ratio_to_ceiling: ratio(2_500, 10_000) };
    const rows = buildRows(r);
    expect(row(rows, '2 GraphQL')).toMatchObject({ verdict: 'met', ratio: '35.0%', value: '3,500 req/s', target: '≥ 35% of (1)' });
    expect(row(rows, '2 … latency p99')).toMatchObject({ verdict: 'missed', value: '10 ms', target: '< 10 ms' });
    expect(row(rows, '2 … latency p50')).toMatchObject({ verdict: '', value: '2.0 ms' });
    expect(row(rows, '4 REST `GET /api/version`')).toMatchObject({ verdict: 'missed', ratio: '49.9%' });
    expect(row(rows, '4 REST `GET /services/status`')).toMatchObject({ verdict: 'met', ratio: '25.0%' });
  });

  it('says "not measured" for a target whose figure is missing, never met', () => {
    const rows = buildRows(emptyResults());
    for (const r of rows.filter((x) => x.target !== '')) expect(r.verdict).toBe('not measured');
  });

  it('judges host processes, fan-out at 10,000, log streams, footprint and idle CPU by their targets', () => {
    const r = emptyResults();
    r.graphql_services_screen = { rps: 100, p99_ms: 24.9, host_processes_per_request: 1 };
    r.fanout['1000'] = { p50_ms: 900, p99_ms: 1000, max_ms: 1100, rss_mb: 700 };
    r.fanout['10000'] = { p50_ms: 100, p99_ms: 299, max_ms: 400, rss_mb: 600 };
    r.log_streaming.websocket = { entries_per_s: 25_000, lost: 0 };
    r.log_streaming.sse = { entries_per_s: 25_000, lost: 1 };
    r.footprint.pglite = { idle_rss_mb: 199, time_to_healthy_ms: 1999, first_start_ms: 2000 };
    r.footprint.postgres = { idle_rss_mb: 120, time_to_healthy_ms: 500, first_start_ms: 2500 };
    r.footprint.idle_cpu_percent = 0.99;
    const rows = buildRows(r);
    expect(row(rows, '3 … latency p99').verdict).toBe('met');
    expect(row(rows, '3 … host processes').verdict).toBe('met');
    // only the 10,000 size has targets
    expect(row(rows, '5 Fan-out, 1,000')).toMatchObject({ verdict: '', target: '' });
    expect(row(rows, '5 … server RSS with 1,000')).toMatchObject({ verdict: '', target: '' });
    expect(row(rows, '5 Fan-out, 10,000')).toMatchObject({ verdict: 'met', value: 'p50 100 ms, p99 299 ms, max 400 ms' });
    expect(row(rows, '5 … server RSS with 10,000')).toMatchObject({ verdict: 'missed', value: '600 MB' });
    expect(row(rows, '6 Log streaming, journal')).toMatchObject({ verdict: 'met', value: '25,000 entries/s, 0 lost' });
    expect(row(rows, '6 Log streaming, task')).toMatchObject({ verdict: 'missed' });
    expect(row(rows, '7 PGlite, first start: spawn')).toMatchObject({ verdict: 'missed', value: '2,000 ms' });
    expect(row(rows, '7 PGlite, later start: spawn').verdict).toBe('met');
    expect(row(rows, '7 PGlite, later start: idle RSS').verdict).toBe('met');
    expect(row(rows, '7 PostgreSQL, later start: idle RSS').verdict).toBe('missed');
    expect(row(rows, '7 PostgreSQL, later start: spawn').verdict).toBe('met');
    expect(row(rows, '7 PostgreSQL, first start').verdict).toBe('missed');
    expect(row(rows, '7 CPU')).toMatchObject({ verdict: 'met', value: '0.99%' });
  });

  it('counts a log stream with a loss as missed however fast it was, and one with no count as not measured', () => {
    const r = emptyResults();
    r.log_streaming.websocket = { entries_per_s: 90_000, lost: 3 };
    r.log_streaming.sse = { entries_per_s: 90_000, lost: null };
    const rows = buildRows(r);
    expect(row(rows, '6 Log streaming, journal').verdict).toBe('missed');
    expect(row(rows, '6 Log streaming, task').verdict).toBe('not measured');
  });

  it('renders a markdown table with one line per row, escaping pipes', () => {
    const table = renderTable([{ figure: 'a | b', value: '1', target: '', verdict: '', ratio: '' }]);
    expect(table.split('\n')).toEqual(['| Figure | Value | Target | Met | Ratio to (1) |', '|---|---|---|---|---|', '| a \\| b | 1 |  |  |  |']);
  });

  it('puts the machine, the commit and the tally above the table, and the notes below it', () => {
    const r = emptyResults();
    r.footprint.idle_cpu_percent = 0.5;
    r.machine = { cpu_model: 'Test CPU', cores: 2, memory_mb: 4096, node: 'v20.0.0', os: 'Linux 6', load_average_at_start: 0.5, load_average_at_end: 1.2 };
    r.commit = { head: '0123456789abcdef', dirty: true };
    r.date = '2026-01-01T00:00:00.000Z';
    r.notes = ['PostgreSQL not measured.'];
    const block = readmeBlock(r);
    expect(block).toContain('Test CPU, 2 cores, 4096 MB, Node.js v20.0.0, Linux 6; 0123456789ab (with uncommitted changes).');
    expect(block).toContain('Load average (1 min) 0.5 when the run began, 1.2 at its end. Targets met: 1, missed: 0, not measured: 15.');
    expect(block.trim().endsWith('- PostgreSQL not measured.')).toBe(true);
  });
});

describe('the README markers', () => {
  const readme = `# Title\n\n## Performance\n\n${START_MARKER}\nold table\n${END_MARKER}\n\n## Next\n`;

  it('replaces only what lies between the markers, keeping them', () => {
    const out = replaceBetweenMarkers(readme, '| new |\n');
    expect(out).toBe(`# Title\n\n## Performance\n\n${START_MARKER}\n| new |\n${END_MARKER}\n\n## Next\n`);
    expect(replaceBetweenMarkers(out, '| newer |')).toBe(`# Title\n\n## Performance\n\n${START_MARKER}\n| newer |\n${END_MARKER}\n\n## Next\n`);
  });

  it('refuses a README without both markers, with them reversed, or with two pairs', () => {
    expect(() => replaceBetweenMarkers('# no markers', 'x')).toThrow(/no/);
    expect(() => replaceBetweenMarkers(`${END_MARKER}\n${START_MARKER}`, 'x')).toThrow(/before/);
    expect(() => replaceBetweenMarkers(`${readme}${readme}`, 'x')).toThrow(/more than one/);
  });
});
