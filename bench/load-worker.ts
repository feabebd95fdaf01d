import autocannon from 'autocannon';
import { serveRequests } from './children.js';

/** The HTTP load generator (autocannon) in its own process: a warm-up, then the measured run. */
export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  warmupSeconds: number;
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

function run(req: LoadRequest, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: req.url, method: req.method, headers: req.headers, body: req.body, connections: req.connections, duration: seconds },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

serveRequests(async (message) => {
  const req = message.request as LoadRequest;
  if (req.warmupSeconds > 0) await run(req, req.warmupSeconds);
  const r = await run(req, req.seconds);
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
