import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONITORING_QUERIES } from '../../src/core/monitoring/monitoring-queries.js';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { WITH_ARGS, gaps, monitoringQuery, resultsOf } from './monitoring-helpers.js';

// The simulated host answers the charts with generated series. The server runs in this process, in a
// time zone away from UTC (no daylight saving), so naive times read as UTC would show.
process.env.TZ = 'Asia/Kolkata';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const call = (query: string, variables?: Record<string, unknown>) => gql(server, query, variables, server.token);
const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const numeric = (values: Array<{ value: string }>) => values.map((v) => Number(v.value));

describe('monitoring on the simulated host', () => {
  it('answers every chart for the last 20 minutes by default, one sample a minute', async () => {
    const res = await call(monitoringQuery());

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const m = res.body.data.monitoring;
    for (const chart of [m.cpuUsage, m.memoryUsage, m.diskUsage, m.networkUsage]) expect({ start: chart.start, end: chart.end, step: chart.step }).toEqual({ start: null, end: null, step: 60 });
    const r = resultsOf(m);
    for (const series of [r.cpu, r.memory, r.swap]) {
      expect(series.values).toHaveLength(21);
      expect(gaps(series.values)).toEqual(Array(20).fill(60));
      expect(series.values.every((v: { timestamp: string }) => NAIVE.test(v.timestamp))).toBe(true);
      expect(numeric(series.values).every((v) => v >= 0 && v <= 100)).toBe(true);
    }
    expect(r.disk.metrics.map((x: { metricId: string }) => x.metricId)).toEqual(['/dev/sdb', '/dev/sda1']);
    expect(r.network.metrics.map((x: { metricId: string }) => x.metricId)).toEqual(['receive', 'transmit']);
    expect(r.network.metrics.every((x: { values: unknown[] }) => x.values.length === 21)).toBe(true);
    for (const byService of [r.averageByService, r.maxByService]) {
      expect(byService.metrics.map((x: { metricId: string }) => x.metricId)).toEqual(expect.arrayContaining(['system', 'nextcloud', 'gitea', 'bitwarden']));
      expect(byService.metrics.every((x: { values: Array<{ value: string }> }) => x.values.length === 1 && Number(x.values[0].value) > 1024 * 1024)).toBe(true);
    }
  });

  it('takes a window and a step, echoes them, and reads naive times as server local time', async () => {
    const variables = { start: '2026-11-29T10:00:00', end: '2026-11-29T11:00:00', step: 300 };

    const res = await call(monitoringQuery(WITH_ARGS), variables);

    expect(res.body.errors).toBeUndefined();
    const m = res.body.data.monitoring;
    expect({ start: m.diskUsage.start, end: m.diskUsage.end, step: m.diskUsage.step }).toEqual(variables);
    const times = resultsOf(m).cpu.values.map((v: { timestamp: string }) => v.timestamp);
    expect(times).toHaveLength(13);
    expect([times[0], times[12]]).toEqual(['2026-11-29T10:00:00', '2026-11-29T11:00:00']);
  });

  it('reads a time with an offset as that instant, echoes it in UTC and answers in local time', async () => {
    const variables = { start: '2026-11-29T10:00:00+02:00', end: '2026-11-29T10:10:00+02:00', step: 600 };

    const res = await call(monitoringQuery(WITH_ARGS), variables);

    const m = res.body.data.monitoring;
    expect([m.cpuUsage.start, m.cpuUsage.end]).toEqual(['2026-11-29T08:00:00+00:00', '2026-11-29T08:10:00+00:00']);
    expect(resultsOf(m).memory.values.map((v: { timestamp: string }) => v.timestamp)).toEqual(['2026-11-29T13:30:00', '2026-11-29T13:40:00']);
  });

  it('draws the same values for the same window on every request', async () => {
    const variables = { start: '2026-11-29T10:00:00', end: '2026-11-29T10:30:00', step: 60 };

    const [a, b] = await Promise.all([call(monitoringQuery(WITH_ARGS), variables), call(monitoringQuery(WITH_ARGS), variables)]);

    const [ra, rb] = [resultsOf(a.body.data.monitoring), resultsOf(b.body.data.monitoring)];
    expect([ra.cpu, ra.memory, ra.swap, ra.disk, ra.network]).toEqual([rb.cpu, rb.memory, rb.swap, rb.disk, rb.network]);
    // per-service memory is an instant query: its samples carry the time it was asked
    const values = (r: typeof ra) => r.maxByService.metrics.map((m: { values: Array<{ value: string }> }) => m.values[0].value);
    expect(values(ra)).toEqual(values(rb));
  });

  it('answers a bad window as MonitoringQueryError results in Prometheus words, never a GraphQL error', async () => {
    const res = await call(monitoringQuery(WITH_ARGS), { start: '2026-11-29T10:00:00', end: '2026-11-29T11:00:00', step: 0 });

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const r = resultsOf(res.body.data.monitoring);
    expect(r.cpu.error).toBe(
      'Prometheus returned unexpected HTTP status code. Error: {"status":"error","errorType":"bad_data","error":"invalid parameter \\"step\\": ' +
        `zero or negative query resolution step widths are not accepted. Try a positive integer"}. The query was ${MONITORING_QUERIES.cpu}`,
    );
    expect([r.memory, r.swap, r.disk, r.network].every((x) => x.error.startsWith('Prometheus returned unexpected HTTP status code.'))).toBe(true);
    // the per-service aggregates are instant queries over the window: the step does not matter to them
    expect(r.maxByService.metrics.length).toBeGreaterThan(0);
  });

  it('says "Prometheus is not running" for every chart while the monitoring service is stopped', async () => {
    const stop = await call('mutation { services { stopService(serviceId: "monitoring") { success } } }');
    expect(stop.body.data.services.stopService.success).toBe(true);

    const results = await eventually(async () => {
      const r = resultsOf((await call(monitoringQuery())).body.data.monitoring);
      return Object.values(r).every((x) => x.error) ? r : undefined;
    });

    expect(Object.values(results).map((x) => x.error)).toEqual(Array(7).fill('Prometheus is not running'));
    await call('mutation { services { startService(serviceId: "monitoring") { success } } }');
    const back = await eventually(async () => {
      const r = resultsOf((await call(monitoringQuery())).body.data.monitoring);
      return r.cpu.values ? r : undefined;
    });
    expect(back.cpu.values).toHaveLength(21);
  });

  it('is refused without a token', async () => {
    const res = await gql(server, monitoringQuery());

    expect(res.body.data).toBeNull();
    expect(res.body.errors).toMatchObject([{ message: 'You must be authenticated to access this resource.', path: ['monitoring'] }]);
  });
});

/** Polls until `probe` gives a value (the simulated units change state after a short delay). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
