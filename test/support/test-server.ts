import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** The `initial` device token the server wrote on first start. */
  token: string;
  wsUrl: string;
}

/** Starts the real API on an ephemeral port over a fresh data directory (PGlite unless DATABASE_URL is given). */
export async function startTestServer(overrides: Partial<Config> & { env?: NodeJS.ProcessEnv } = {}): Promise<TestServer> {
  const { env, ...rest } = overrides;
  const dataDir = rest.dataDir ?? mkdtempSync(join(tmpdir(), 'sp-api-test-'));
  const config: Config = {
    // DATA_DIR too: the userdata and secrets paths derive from it
    ...loadConfig({ SP_HOST: 'simulated', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env }),
    port: 0,
    dataDir,
    timeScale: 0.01,
    ...rest,
  };
  const server = await startServer(config);
  const token = readFileSync(join(dataDir, 'initial-token'), 'utf8').trim();
  return { ...server, dataDir, token, wsUrl: `${server.url.replace('http', 'ws')}/graphql` };
}

/** POSTs a GraphQL operation; returns the HTTP status and parsed body. */
export async function gql(
  server: { url: string },
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<{ status: number; body: { data?: any; errors?: any[] } }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
}

/** Sends a REST request; returns status, parsed JSON body and headers. */
export async function rest(
  server: { url: string },
  method: string,
  path: string,
  options: { token?: string; json?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
