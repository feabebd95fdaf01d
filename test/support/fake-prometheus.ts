import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  params: Record<string, string>;
}

/** How the fake answers the next requests: a status and body, never (a hung Prometheus), or headers and half a body. */
export type FakeAnswer = { status: number; body: string } | 'hang' | 'stall-body';

/** Recorded answers of a real Prometheus 2.x (query_range / query), trimmed to a few samples. */
export const RECORDED = {
  cpuMatrix: JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [{ metric: { instance: '127.0.0.1:9002' }, values: [[1764417600, '7.233333333333334'], [1764417660, '8.016666666666666']] }],
    },
  }),
  diskMatrix: JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { device: '/dev/sda1' }, values: [[1764417600, '31.86290432917634']] },
        { metric: { device: '/dev/sdb' }, values: [[1764417600, '17.410208135086135']] },
      ],
    },
  }),
  networkMatrix: JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { device: 'ens3', direction: 'receive' }, values: [[1764417600, '2541.4']] },
        { metric: { device: 'ens3', direction: 'transmit' }, values: [[1764417600, '1288.0666666666666']] },
      ],
    },
  }),
  sliceVector: JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: [
        { metric: { id: '/nextcloud.slice' }, value: [1764417662.412, '452984832'] },
        { metric: { id: '/system.slice' }, value: [1764417662.412, '318767104'] },
      ],
    },
  }),
  emptyMatrix: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
  badData: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error: unexpected <EOF>' }),
  executionError: JSON.stringify({ status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' }),
} as const;

/** A local HTTP server speaking the Prometheus query API from recorded answers; it records each request. */
export class FakePrometheus {
  readonly requests: RecordedRequest[] = [];
  answer: FakeAnswer = { status: 200, body: RECORDED.emptyMatrix };
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(): Promise<FakePrometheus> {
    const fake = new FakePrometheus();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({ path: url.pathname, params: Object.fromEntries(url.searchParams) });
    const answer = this.answer;
    if (answer === 'hang') return;
    if (answer === 'stall-body') {
      res.writeHead(200, { 'content-type': 'application/json' }).write('{"status":"success","data":{"resultType":"matrix","result":[');
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  }
}

/** A port on 127.0.0.1 where nothing listens (taken, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
