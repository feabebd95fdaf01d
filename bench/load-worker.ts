import autocannon from 'autocannon';
import { serveRequests } from './children.js';

/** The HTTP load generator (autocannon) in its own process: one run of `seconds` per request. */
export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function run(req: LoadRequest): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: req.url, method: req.method, headers: req.headers, body: req.body, connections: req.connections, duration: req.seconds },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

serveRequests(async (message) => {
  const req = message.request as LoadRequest;
  const r = await run(req);
  const completed = r.requests.total;
  return {
    rps: Math.round(completed / r.duration),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    requests: completed,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  } satisfies LoadResult;
});
