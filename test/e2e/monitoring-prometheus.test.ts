import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MONITORING_QUERIES, sliceMemoryQuery } from '../../src/core/monitoring/monitoring-queries.js';
import { naiveLocalIso } from '../../src/core/time/iso-format.js';
import { FakePrometheus, RECORDED } from '../support/fake-prometheus.js';
import { type TestServer, gql, startTestServer } from '../support/test-server.js';
import { WITH_ARGS, monitoringQuery, resultsOf } from './monitoring-helpers.js';

// A server configured with SP_PROMETHEUS_URL asks that Prometheus (here a local fake with recorded answers).

let prometheus: FakePrometheus;
let server: TestServer;
beforeAll(async () => {
  prometheus = await FakePrometheus.start();
  server = await startTestServer({ env: { SP_PROMETHEUS_URL: prometheus.url } });
});
afterAll(async () => {
  await server.close();
  await prometheus.stop();
});
beforeEach(() => {
  prometheus.requests.length = 0;
});

const call = (query: string, variables?: Record<string, unknown>) => gql(server, query, variables, server.token);
const at = (epochSeconds: number) => naiveLocalIso(new Date(epochSeconds * 1000));
const WINDOW = { start: '2026-11-29T10:00:00+00:00', end: '2026-11-29T11:00:00+00:00', step: 120 };
const START_S = Date.parse(WINDOW.start) / 1000;
const END_S = Date.parse(WINDOW.end) / 1000;

describe('monitoring against Prometheus', () => {
  it('sends each chart its PromQL over the window and reads the recorded answers', async () => {
    prometheus.answer = { status: 200, body: RECORDED.cpuMatrix };

    const res = await call(`query ($start: DateTime, $end: DateTime, $step: Int!) { monitoring { cpuUsage(${WITH_ARGS}) {
      overallUsage { ... on MonitoringValues { values { timestamp value } } } } } }`, WINDOW);

    expect(res.body).toEqual({
      data: { monitoring: { cpuUsage: { overallUsage: { values: [{ timestamp: at(1764417600), value: '7.233333333333334' }, { timestamp: at(1764417660), value: '8.016666666666666' }] } } } },
    });
    expect(prometheus.requests).toEqual([
      { path: '/api/v1/query_range', params: { query: MONITORING_QUERIES.cpu, start: String(START_S), end: String(END_S), step: '120' } },
    ]);
  });

  it('names disks by device, traffic by direction and slices by service', async () => {
    const metricsOf = (chart: string) => `query ($start: DateTime, $end: DateTime, $step: Int!) { monitoring {
      ${chart}(${WITH_ARGS}) { overallUsage { ... on MonitoringMetrics { metrics { metricId values { value } } } } } } }`;

    const disk = await answered(RECORDED.diskMatrix, () => call(metricsOf('diskUsage'), WINDOW));
    const network = await answered(RECORDED.networkMatrix, () => call(metricsOf('networkUsage'), WINDOW));
    const slices = await answered(RECORDED.sliceVector, () =>
      call('{ monitoring { memoryUsage { maxUsageByService { ... on MonitoringMetrics { metrics { metricId values { timestamp value } } } } } } }'),
    );

    expect(disk.body.data.monitoring.diskUsage.overallUsage.metrics).toEqual([
      { metricId: '/dev/sda1', values: [{ value: '31.86290432917634' }] },
      { metricId: '/dev/sdb', values: [{ value: '17.410208135086135' }] },
    ]);
    expect(network.body.data.monitoring.networkUsage.overallUsage.metrics).toEqual([
      { metricId: 'receive', values: [{ value: '2541.4' }] },
      { metricId: 'transmit', values: [{ value: '1288.0666666666666' }] },
    ]);
    expect(slices.body.data.monitoring.memoryUsage.maxUsageByService.metrics).toEqual([
      { metricId: 'nextcloud', values: [{ timestamp: at(1764417662.412), value: '452984832' }] },
      { metricId: 'system', values: [{ timestamp: at(1764417662.412), value: '318767104' }] },
    ]);
    expect(prometheus.requests.map((r) => r.params.query)).toEqual([MONITORING_QUERIES.disk, MONITORING_QUERIES.network, sliceMemoryQuery('max', 1200, 0)]);
  });

  it('asks for a past window of per-service memory as an instant query shifted back to its end', async () => {
    prometheus.answer = { status: 200, body: RECORDED.sliceVector };

    await call(`query ($start: DateTime, $end: DateTime, $step: Int!) { monitoring { memoryUsage(${WITH_ARGS}) {
      averageUsageByService { __typename } } } }`, WINDOW);

    const sent = prometheus.requests.map((r) => r.params.query);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^avg_over_time\(\(container_memory_rss\{.*\}\+container_memory_swap\{.*\}\)\[3600s:\] offset \d+s\)$/);
  });

  it('answers an empty chart when Prometheus has no series', async () => {
    prometheus.answer = { status: 200, body: RECORDED.emptyMatrix };

    const res = await call(monitoringQuery());

    const r = resultsOf(res.body.data.monitoring);
    expect([r.cpu, r.memory, r.swap, r.disk, r.network]).toEqual([{ values: [] }, { values: [] }, { values: [] }, { metrics: [] }, { metrics: [] }]);
    expect(r.maxByService).toEqual({ error: 'Unexpected resultType returned from Prometheus, request failed' });
  });

  it('turns an HTTP 500 into a MonitoringQueryError for every chart, with no GraphQL error', async () => {
    prometheus.answer = { status: 500, body: 'upstream exploded' };

    const res = await call(monitoringQuery());

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const r = resultsOf(res.body.data.monitoring);
    expect(r.cpu).toEqual({ error: `Prometheus returned unexpected HTTP status code. Error: upstream exploded. The query was ${MONITORING_QUERIES.cpu}` });
    expect(Object.values(r).every((x) => x.error.startsWith('Prometheus returned unexpected HTTP status code. Error: upstream exploded.'))).toBe(true);
  });

  it('turns a `status: error` answer into a MonitoringQueryError', async () => {
    prometheus.answer = { status: 200, body: RECORDED.executionError };

    const res = await call('{ monitoring { cpuUsage { overallUsage { ... on MonitoringQueryError { error } } } } }');

    expect(res.body.data.monitoring.cpuUsage.overallUsage).toEqual({
      error: 'Prometheus request failed! Error: execution: query processing would load too many samples into memory',
    });
  });

  it('answers within about a second when Prometheus hangs', async () => {
    prometheus.answer = 'hang';
    const started = Date.now();

    const res = await call(monitoringQuery());

    expect(Date.now() - started).toBeLessThan(3000);
    expect(Object.values(resultsOf(res.body.data.monitoring)).map((x) => x.error)).toEqual(Array(7).fill('Prometheus request failed! Error: no answer within 800 ms'));
  });

  it('answers at once when nothing listens at SP_PROMETHEUS_URL', async () => {
    const port = new URL(prometheus.url).port;
    await prometheus.stop();

    const res = await call('{ monitoring { diskUsage { overallUsage { ... on MonitoringQueryError { error } } } } }');

    expect(res.body.data.monitoring.diskUsage.overallUsage).toEqual({ error: `Prometheus request failed! Error: connect ECONNREFUSED 127.0.0.1:${port}` });
  });
});

/** Runs `request` while the fake answers `body`. */
async function answered<T>(body: string, request: () => Promise<T>): Promise<T> {
  prometheus.answer = { status: 200, body };
  return request();
}
