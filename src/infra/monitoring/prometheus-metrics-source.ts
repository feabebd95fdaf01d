import { MetricsQueryFailure, type PrometheusData } from '../../core/monitoring/monitoring-types.js';
import type { MetricsSource } from '../../core/ports.js';

/** The reference waits 0.8 s: a chart is better off with an error than with a hung request. */
export const PROMETHEUS_TIMEOUT_MS = 800;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
// An error page is quoted in the message the app shows: only its beginning.
const MAX_QUOTED_BODY = 1000;

/** Prometheus' HTTP API (`/api/v1/query_range`, `/api/v1/query`) over node's fetch, with a timeout per request. */
export class PrometheusMetricsSource implements MetricsSource {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = PROMETHEUS_TIMEOUT_MS,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  rangeQuery(query: string, start: number, end: number, step: number): Promise<PrometheusData> {
    return this.get('/api/v1/query_range', { query, start: String(start), end: String(end), step: String(step) });
  }

  instantQuery(query: string): Promise<PrometheusData> {
    return this.get('/api/v1/query', { query });
  }

  private async get(path: string, params: Record<string, string>): Promise<PrometheusData> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(params)}`;
    // One deadline for connecting, the headers and the whole body.
    const signal = AbortSignal.timeout(this.timeoutMs);
    let status: number;
    let body: string;
    try {
      const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
      status = res.status;
      body = await readBody(res);
    } catch (err) {
      throw new MetricsQueryFailure('request', signal.aborted ? `no answer within ${this.timeoutMs} ms` : describeFetchError(err));
    }
    if (status !== 200) throw new MetricsQueryFailure('status', body.slice(0, MAX_QUOTED_BODY));
    return dataOf(body);
  }
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      await res.body.cancel().catch(() => undefined);
      throw new Error(`answer larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// fetch says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure ...) is its cause.
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function dataOf(body: string): PrometheusData {
  let answer: { status?: unknown; data?: { resultType?: unknown; result?: unknown }; errorType?: unknown; error?: unknown };
  try {
    answer = JSON.parse(body);
  } catch {
    throw new MetricsQueryFailure('request', 'the answer is not JSON');
  }
  if (typeof answer !== 'object' || answer === null) throw new MetricsQueryFailure('request', 'the answer is not a JSON object');
  if (answer.status !== 'success') {
    throw new MetricsQueryFailure('request', `${String(answer.errorType ?? 'error')}: ${String(answer.error ?? 'no error text')}`);
  }
  const data = answer.data;
  if (typeof data?.resultType !== 'string' || !('result' in data)) throw new MetricsQueryFailure('request', 'the answer has no data');
  return { resultType: data.resultType, result: data.result };
}
