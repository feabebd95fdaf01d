import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MetricsQueryFailure } from '../../src/core/monitoring/monitoring-types.js';
import { PrometheusMetricsSource } from '../../src/infra/monitoring/prometheus-metrics-source.js';
import { FakePrometheus, RECORDED, unusedPort } from '../support/fake-prometheus.js';

let prometheus: FakePrometheus;
beforeAll(async () => {
  prometheus = await FakePrometheus.start();
});
afterAll(() => prometheus.stop());
beforeEach(() => {
  prometheus.requests.length = 0;
});

const QUERY = '100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)';

async function failureOf(promise: Promise<unknown>): Promise<MetricsQueryFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MetricsQueryFailure);
  return err as MetricsQueryFailure;
}

describe('PrometheusMetricsSource', () => {
  it('sends a range query to /api/v1/query_range and returns the matrix', async () => {
    prometheus.answer = { status: 200, body: RECORDED.cpuMatrix };

    const data = await new PrometheusMetricsSource(`${prometheus.url}/`).rangeQuery(QUERY, 1764417600, 1764417660, 60);

    expect(prometheus.requests).toEqual([{ path: '/api/v1/query_range', params: { query: QUERY, start: '1764417600', end: '1764417660', step: '60' } }]);
    expect(data).toEqual({
      resultType: 'matrix',
      result: [{ metric: { instance: '127.0.0.1:9002' }, values: [[1764417600, '7.233333333333334'], [1764417660, '8.016666666666666']] }],
    });
  });

  it('sends an instant query to /api/v1/query and returns the vector', async () => {
    prometheus.answer = { status: 200, body: RECORDED.sliceVector };

    const data = await new PrometheusMetricsSource(prometheus.url).instantQuery('max_over_time(up[60s:])');

    expect(prometheus.requests).toEqual([{ path: '/api/v1/query', params: { query: 'max_over_time(up[60s:])' } }]);
    expect(data.resultType).toBe('vector');
    expect(data.result).toHaveLength(2);
  });

  it('returns an empty result as it is', async () => {
    prometheus.answer = { status: 200, body: RECORDED.emptyMatrix };

    expect(await new PrometheusMetricsSource(prometheus.url).rangeQuery(QUERY, 1, 2, 1)).toEqual({ resultType: 'matrix', result: [] });
  });

  it('fails with the body of an answer with another status than 200 (Prometheus errors are 400/422/503)', async () => {
    prometheus.answer = { status: 400, body: RECORDED.badData };

    const failure = await failureOf(new PrometheusMetricsSource(prometheus.url).rangeQuery('1 +', 1, 2, 1));

    expect(failure.kind).toBe('status');
    expect(failure.detail).toBe(RECORDED.badData);
  });

  it('fails with the status of an HTTP 500 error page', async () => {
    prometheus.answer = { status: 500, body: 'Internal Server Error' };

    const failure = await failureOf(new PrometheusMetricsSource(prometheus.url).instantQuery('up'));

    expect({ kind: failure.kind, detail: failure.detail }).toEqual({ kind: 'status', detail: 'Internal Server Error' });
  });

  it('fails with the error type and text of a `status: error` answer', async () => {
    prometheus.answer = { status: 200, body: RECORDED.executionError };

    const failure = await failureOf(new PrometheusMetricsSource(prometheus.url).instantQuery('up'));

    expect({ kind: failure.kind, detail: failure.detail }).toEqual({ kind: 'request', detail: 'execution: query processing would load too many samples into memory' });
  });

  it('fails on an answer that is not JSON, or has no data', async () => {
    prometheus.answer = { status: 200, body: '<html>proxy login</html>' };
    const notJson = await failureOf(new PrometheusMetricsSource(prometheus.url).instantQuery('up'));
    prometheus.answer = { status: 200, body: '{"status":"success"}' };
    const noData = await failureOf(new PrometheusMetricsSource(prometheus.url).instantQuery('up'));

    expect([notJson.detail, noData.detail]).toEqual(['the answer is not JSON', 'the answer has no data']);
  });

  it('gives up on a server that never answers within its timeout', async () => {
    prometheus.answer = 'hang';
    const started = Date.now();

    const failure = await failureOf(new PrometheusMetricsSource(prometheus.url, 300).rangeQuery(QUERY, 1, 2, 1));

    const elapsed = Date.now() - started;
    expect({ kind: failure.kind, detail: failure.detail }).toEqual({ kind: 'request', detail: 'no answer within 300 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('gives up on an answer whose body stops half-way, within the same timeout', async () => {
    prometheus.answer = 'stall-body';
    const started = Date.now();

    const failure = await failureOf(new PrometheusMetricsSource(prometheus.url, 300).rangeQuery(QUERY, 1, 2, 1));

    expect(failure.detail).toBe('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('fails at once on a port where nothing listens, naming the reason', async () => {
    const port = await unusedPort();
    const started = Date.now();

    const failure = await failureOf(new PrometheusMetricsSource(`http://127.0.0.1:${port}`).rangeQuery(QUERY, 1, 2, 1));

    expect({ kind: failure.kind, detail: failure.detail }).toEqual({ kind: 'request', detail: `connect ECONNREFUSED 127.0.0.1:${port}` });
    expect(Date.now() - started).toBeLessThan(800);
  });
});
